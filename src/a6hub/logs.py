"""Process logging: one plain format, with access tokens and tickets redacted from URLs."""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote_plus

REDACTED = "[redacted]"
SECRET_NAMES = ("token", "ticket")
# ``name=value`` anywhere in a line (query strings, form bodies, messages); the name may be
# percent-encoded (``tok%65n``, ``%74oken``) or carry ``+``, as servers decode it before use.
_PARAMETER = re.compile(r"(?P<name>[^\s=&?\"'<>]+)=(?P<value>[^&\s\"']+)")
# A JWT wherever it appears (e.g. ``bearer, eyJ...`` from a subprotocol header): it always
# starts with the base64 of '{"', in its header and in its claims.
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
_DECODE_ROUNDS = 3


def redact(text: str) -> str:
    """``text`` with the values of token and ticket parameters, and any JWT, replaced."""
    return _JWT.sub(REDACTED, _PARAMETER.sub(_redact_parameter, text))


def _redact_parameter(match: re.Match[str]) -> str:
    name = match.group("name")
    return f"{name}={REDACTED}" if _is_secret_name(name) else match.group(0)


def _is_secret_name(name: str) -> bool:
    decoded = name
    for _ in range(_DECODE_ROUNDS):  # also what a proxy that decodes once more would see
        decoded = unquote_plus(decoded)
    decoded = decoded.lower()
    return any(secret in decoded for secret in SECRET_NAMES)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, dict):
            record.args = {
                key: redact(value) if isinstance(value, str) else value for key, value in record.args.items()
            }
        elif record.args:
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        record.msg = redact(str(record.msg))
        return True


class SocketChatterFilter(logging.Filter):
    """Drops uvicorn's bare "connection open" / "connection closed" lines.

    uvicorn logs them for every WebSocket, right after the line that names the socket
    (``... "WebSocket /api/v1/ws/jobs/7/updates" [accepted]``): with thousands of sockets
    connecting at once they were half the log and a visible share of the CPU.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg not in _SOCKET_CHATTER


_SOCKET_CHATTER = frozenset({"connection open", "connection closed"})


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    uvicorn_log = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, SocketChatterFilter) for f in uvicorn_log.filters):
        uvicorn_log.addFilter(SocketChatterFilter())
