"""Job events in the exact wire format of the WebSocket guide.

Every event is ``{"type", "data", "timestamp", "seq"}``; ``data`` holds exactly the
fields the guide documents for its type. Events are plain immutable values: this
module does no I/O.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

EventType = Literal["status", "progress", "log", "step", "complete", "error"]
EVENT_TYPES: tuple[EventType, ...] = ("status", "progress", "log", "step", "complete", "error")


def utc_timestamp(moment: datetime | None = None) -> str:
    """ISO-8601 UTC with a ``Z`` suffix, millisecond precision."""
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass(frozen=True, slots=True)
class EventDraft:
    """An event before it is numbered: its type and guide-shaped data."""

    type: EventType
    data: dict[str, Any]
    timestamp: str = field(default_factory=utc_timestamp)

    def numbered(self, seq: int) -> JobEvent:
        return JobEvent(seq=seq, type=self.type, data=self.data, timestamp=self.timestamp)


@dataclass(frozen=True, slots=True)
class JobEvent:
    """A numbered job event: ``seq`` is 1, 2, 3, ... per job."""

    seq: int
    type: EventType
    data: dict[str, Any]
    timestamp: str

    def to_message(self) -> dict[str, Any]:
        return {"type": self.type, "data": self.data, "timestamp": self.timestamp, "seq": self.seq}

    def encode(self) -> str:
        return json.dumps(self.to_message(), separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def decode(cls, text: str | bytes) -> JobEvent:
        message = json.loads(text)
        return cls(
            seq=int(message["seq"]),
            type=message["type"],
            data=message["data"],
            timestamp=message["timestamp"],
        )


def status_event(status: str) -> EventDraft:
    return EventDraft("status", {"status": status})


def progress_event(progress: int, current_step: str, completed_steps: list[str]) -> EventDraft:
    return EventDraft(
        "progress",
        {"progress": progress, "current_step": current_step, "completed_steps": list(completed_steps)},
    )


def log_event(log_line: str) -> EventDraft:
    return EventDraft("log", {"log_line": log_line})


def step_event(step_name: str, step_label: str) -> EventDraft:
    return EventDraft("step", {"step_name": step_name, "step_label": step_label})


def complete_event(status: str, message: str) -> EventDraft:
    return EventDraft("complete", {"status": status, "message": message})


def error_event(error_message: str) -> EventDraft:
    return EventDraft("error", {"error_message": error_message})
