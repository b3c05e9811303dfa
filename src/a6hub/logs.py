"""Process logging: one plain format, with access tokens and tickets redacted from URLs."""

from __future__ import annotations

import logging
import re

_SECRET_PARAMS = re.compile(r"((?:token|ticket)=)[^&\s\"']+", re.IGNORECASE)


def redact(text: str) -> str:
    return _SECRET_PARAMS.sub(r"\1[redacted]", text)


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
