"""What the hub answers, as typed values. Unknown fields are ignored, so newer hubs stay readable."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

TERMINAL_STATUSES = frozenset({"completed", "failed", "cancelled"})


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class User(_Model):
    id: int
    username: str
    email: str
    is_admin: bool = False


class Project(_Model):
    id: int
    name: str
    slug: str
    description: str = ""
    visibility: str
    owner_username: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None


class ProjectFile(_Model):
    path: str
    size_bytes: int
    content_hash: str
    updated_at: datetime | None = None


class Step(_Model):
    name: str
    label: str
    status: str


class Progress(_Model):
    progress_percent: int = 0
    current_step: str | None = None
    completed_steps: list[str] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list)


class Job(_Model):
    id: int
    project_id: int
    job_type: str
    status: str
    config: dict[str, Any] = Field(default_factory=dict)
    progress_data: Progress = Field(default_factory=Progress)
    current_step: str | None = None
    error_message: str | None = None
    last_seq: int = 0
    created_at: datetime | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES

    @property
    def duration_s(self) -> float | None:
        if self.started_at is None or self.completed_at is None:
            return None
        return (self.completed_at - self.started_at).total_seconds()


class ResourceUse(_Model):
    used: int
    available: int
    percent: int


class ClockTiming(_Model):
    clock: str
    achieved_mhz: float
    target_mhz: float
    passed: bool


class SimulatedTime(_Model):
    value: int
    unit: str  # vvp's precision, e.g. "1ps"
    seconds: float


class BuildSummary(_Model):
    """A build's summary: utilization, Fmax per clock, yosys cell counts, warnings and errors."""

    kind: Literal["build"] = "build"
    flow: str = ""
    device: str | None = None
    package: str | None = None
    top: str | None = None
    sources: list[str] = Field(default_factory=list)
    utilization: dict[str, ResourceUse] = Field(default_factory=dict)
    clocks: list[ClockTiming] = Field(default_factory=list)
    timing_met: bool | None = None
    cells: dict[str, int] = Field(default_factory=dict)
    warnings: int = 0
    errors: int = 0


class SimulationSummary(_Model):
    """A simulation's summary: what the testbench printed, its errors, and the simulated time."""

    kind: Literal["simulation"] = "simulation"
    top: str | None = None
    sources: list[str] = Field(default_factory=list)
    passed: bool = False
    output_lines: int = 0
    errors: int = 0
    fatals: int = 0
    warnings: int = 0
    simulated_time: SimulatedTime | None = None
    waveforms: list[str] = Field(default_factory=list)


Summary = Annotated[BuildSummary | SimulationSummary, Field(discriminator="kind")]


class JobPage(_Model):
    items: list[Job]
    total: int
    limit: int
    offset: int


class Artifact(_Model):
    name: str
    size_bytes: int
    sha256: str
    url: str


@dataclass(frozen=True, slots=True)
class LogChunk:
    """Log bytes from an offset: continue at ``next_offset``; ``more`` is false once the log is whole."""

    data: bytes
    next_offset: int
    more: bool


@dataclass(frozen=True, slots=True)
class Event:
    """One job event, as the WebSocket and ``GET …/events`` send it; ``seq`` is 1, 2, 3, … per job.

    ``type`` is ``status``, ``progress``, ``log``, ``step``, ``complete`` or ``error``; ``data``
    holds that type's fields (``log_line``, ``progress``, ``current_step``, ``step_label``, …).
    """

    type: str
    data: dict[str, Any]
    timestamp: str
    seq: int

    @classmethod
    def from_message(cls, message: Mapping[str, Any]) -> Event:
        data = message.get("data")
        return cls(
            type=str(message["type"]),
            data=dict(data) if isinstance(data, Mapping) else {},
            timestamp=str(message.get("timestamp", "")),
            seq=int(message["seq"]),
        )

    @property
    def log_line(self) -> str:
        """The text of a ``log`` event (whole lines, newlines included); empty for other types."""
        return str(self.data.get("log_line", "")) if self.type == "log" else ""
