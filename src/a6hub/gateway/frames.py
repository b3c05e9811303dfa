"""Frames the gateway sends: job events pass through as stored; control messages are built here."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from a6hub.domain.events import utc_timestamp

_SEQ_MARK = '"seq":'
_TIMESTAMP_MARK = '"timestamp":"'


def seq_of(payload: str) -> int:
    """The ``seq`` of an encoded job event, read without decoding the whole message.

    Events are encoded with ``seq`` as their last key (see ``JobEvent.encode``); anything else
    falls back to a full JSON parse.
    """
    mark = payload.rfind(_SEQ_MARK)
    if mark != -1 and payload.endswith("}"):
        digits = payload[mark + len(_SEQ_MARK) : -1]
        if digits.isdigit():
            return int(digits)
    return int(json.loads(payload)["seq"])


def event_age_s(payload: str) -> float:
    """Seconds since the event's own timestamp (for the latency histogram); 0 if unreadable."""
    start = payload.rfind(_TIMESTAMP_MARK)
    if start == -1:
        return 0.0
    start += len(_TIMESTAMP_MARK)
    try:
        stamp = datetime.strptime(payload[start : start + 23], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=UTC)
    except ValueError:
        return 0.0
    return max(0.0, (datetime.now(UTC) - stamp).total_seconds())


def is_complete(payload: str) -> bool:
    return payload.startswith('{"type":"complete"')


def control(message_type: str, data: dict[str, Any]) -> str:
    return json.dumps(
        {"type": message_type, "data": data, "timestamp": utc_timestamp()}, separators=(",", ":")
    )


def connected(snapshot: dict[str, Any]) -> str:
    return control("connected", snapshot)


def pong() -> str:
    return control("pong", {})


def protocol_error(message: str) -> str:
    """An ``error`` message about the client's own message; it has no ``seq`` (not a job event)."""
    return control("error", {"error_message": message})
