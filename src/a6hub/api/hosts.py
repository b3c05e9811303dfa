"""Which ``Host`` headers the hub answers to: its defence against DNS rebinding.

A web page on a name the attacker controls can re-point that name at 127.0.0.1 and then talk
to a hub on the visitor's laptop from the visitor's browser, as the same origin. The browser
still sends the attacker's name in ``Host``; refusing names the hub was not told about stops it.

Local names (localhost, 127.0.0.1, ::1) and the configured ``A6HUB_HOST`` are always allowed
(a browser sends them only when its user typed them). ``A6HUB_ALLOWED_HOSTS`` adds more, comma-
separated: ``hub.example.com``; ``.example.com`` (that name and every name under it);
``*.example.com`` (only the names under it); ``*`` (any name: behind a proxy that checks it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
TEST_CLIENT_NAME = "testserver"  # Starlette's TestClient
_UNSPECIFIED = frozenset({"", "0.0.0.0", "::"})  # bind addresses, not names
_NAME = re.compile(r"[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?")
_IPV6 = re.compile(r"\[([0-9a-f:.]+)\]")
_PORT = re.compile(r"[0-9]{0,5}")


def host_name(header: str) -> str | None:
    """The name in a ``Host`` header (lower case, no port, no brackets), or None if malformed."""
    value = header.strip().lower()
    ipv6 = _IPV6.match(value)
    if ipv6 is not None:
        name, rest = ipv6.group(1), value[ipv6.end() :]
    else:
        name, colon, port = value.partition(":")
        name, rest = name.removesuffix("."), colon + port
        if _NAME.fullmatch(name) is None:
            return None
    if rest and (rest[0] != ":" or _PORT.fullmatch(rest[1:]) is None):
        return None
    return name


@dataclass(frozen=True, slots=True)
class AllowedHosts:
    names: frozenset[str]
    suffixes: tuple[str, ...]  # ".example.com": names ending so are allowed
    apexes: frozenset[str]  # "example.com" for a leading-dot entry (the name itself too)
    any_name: bool = False

    @classmethod
    def parse(cls, configured: str, *, bind_host: str = "", test_client: bool = False) -> AllowedHosts:
        """From ``A6HUB_ALLOWED_HOSTS``, the listening host and whether tests are running."""
        names = set(LOCAL_NAMES)
        bind = bind_host.strip().lower().strip("[]")
        if bind not in _UNSPECIFIED:
            names.add(bind)
        if test_client:
            names.add(TEST_CLIENT_NAME)
        suffixes: list[str] = []
        apexes: set[str] = set()
        any_name = False
        for raw in configured.split(","):
            entry = raw.strip().lower().strip("[]").removesuffix(".")
            if entry == "*":
                any_name = True
            elif entry.startswith("*."):
                suffixes.append(entry[1:])
            elif entry.startswith("."):
                suffixes.append(entry)
                apexes.add(entry[1:])
            elif entry:
                names.add(entry)
        return cls(frozenset(names), tuple(suffixes), frozenset(apexes), any_name)

    def allows(self, header: str | None) -> bool:
        """Whether a request with this ``Host`` header (None: none sent) may be served."""
        name = host_name(header) if header is not None else None
        if name is None:
            return False
        return (
            self.any_name
            or name in self.names
            or name in self.apexes
            or any(name.endswith(suffix) for suffix in self.suffixes)
        )


def refusal(header: str | None) -> str:
    """The message of a refused request: what was sent, and the setting that would allow it."""
    shown = "no Host header" if header is None else f"Host '{header[:100]}'"
    return (
        f"{shown} is not allowed here; if this hub should answer to that name, add it to "
        "A6HUB_ALLOWED_HOSTS (comma-separated; '.example.com' allows a domain and its subdomains)"
    )
