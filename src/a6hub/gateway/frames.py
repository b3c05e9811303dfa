"""Frames the gateway sends: job events pass through as stored; control messages are built here."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

from a6hub.domain.events import utc_timestamp

_SEQ_MARK = '"seq":'
_TIMESTAMP_MARK = '"timestamp":"'
_MINUTES: dict[str, float] = {}  # "YYYY-MM-DDTHH:MM" -> its Unix time


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
    """Seconds since the event's own timestamp (for the latency histogram); 0 if unreadable.

    Called once per event on the fan-out's hot path: the minute is parsed once and cached, the
    seconds are read as a number.
    """
    start = payload.rfind(_TIMESTAMP_MARK)
    if start == -1:
        return 0.0
    start += len(_TIMESTAMP_MARK)
    minute = payload[start : start + 16]
    base = _MINUTES.get(minute)
    if base is None:
        try:
            base = datetime.strptime(minute, "%Y-%m-%dT%H:%M").replace(tzinfo=UTC).timestamp()
        except ValueError:
            return 0.0
        if len(_MINUTES) >= 64:
            _MINUTES.clear()
        _MINUTES[minute] = base
    try:
        seconds = float(payload[start + 17 : start + 23])
    except ValueError:
        return 0.0
    if not 0.0 <= seconds < 61.0:
        return 0.0
    return max(0.0, time.time() - base - seconds)


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
