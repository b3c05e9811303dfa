"""Which Host headers the hub answers to (A6HUB_ALLOWED_HOSTS)."""

from __future__ import annotations

import pytest

from a6hub.api.hosts import AllowedHosts, host_name, refusal


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("127.0.0.1:8000", "127.0.0.1"),
        ("LocalHost.", "localhost"),
        ("[::1]:8000", "::1"),
        ("hub.example.com:443", "hub.example.com"),
        ("::1", None),
        ("evil.com:80@x", None),
        ("a b", None),
        ("a.com:8000:1", None),
        ("", None),
        ("bücher.de", None),  # a browser sends IDNs punycoded
    ],
)
def test_the_name_is_read_from_a_host_header(header: str, name: str | None) -> None:
    assert host_name(header) == name


def test_local_names_only_by_default() -> None:
    hosts = AllowedHosts.parse("", bind_host="127.0.0.1")
    for header in ("localhost:8000", "127.0.0.1:8000", "[::1]:8000", "localhost"):
        assert hosts.allows(header), header
    for refused in ("attacker.example:8000", "testserver", "127.0.0.1.nip.io", None):
        assert not hosts.allows(refused), refused


def test_the_listening_host_and_the_test_client_are_allowed() -> None:
    hosts = AllowedHosts.parse("", bind_host="hub.lan", test_client=True)
    assert hosts.allows("hub.lan:8000") and hosts.allows("testserver")
    assert not AllowedHosts.parse("", bind_host="0.0.0.0").allows("0.0.0.0:8000")


def test_listed_names_and_wildcards() -> None:
    hosts = AllowedHosts.parse(" hub.example.com , .corp.net,*.lab.org,[2001:db8::1]")
    assert hosts.allows("HUB.example.com:443")
    assert hosts.allows("corp.net") and hosts.allows("a.b.corp.net")
    assert hosts.allows("x.lab.org") and not hosts.allows("lab.org")
    assert hosts.allows("[2001:db8::1]:8000")
    for header in ("example.com", "evilcorp.net", "corp.net.evil.com", "lab.org.evil"):
        assert not hosts.allows(header), header


def test_star_allows_any_well_formed_name() -> None:
    hosts = AllowedHosts.parse("*")
    assert hosts.allows("anything.example:1")
    assert not hosts.allows("bad host")


def test_the_refusal_names_the_setting() -> None:
    assert "A6HUB_ALLOWED_HOSTS" in refusal("evil.example")
    assert "'evil.example'" in refusal("evil.example")
