"""The seam between the worker and the EDA flows.

A flow runs real tools in a job's work directory and reports through a :class:`FlowSink`;
it knows nothing of Redis, the database or Celery.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


class FlowSink(Protocol):
    """Where a running flow reports what happens. Called from the flow's thread only."""

    def step_started(self, name: str) -> None:
        """A step of the flow (a name of ``domain.jobs.FLOWS[...]``) begins; the previous one ended."""

    def step_progress(self, fraction: float) -> None:
        """The current step is this far along (0.0-1.0), read from the tool's own output."""

    def log(self, text: str) -> None:
        """Output: one or more whole lines, each ending in a newline, in the order printed."""

    def cancel_requested(self) -> bool:
        """True once the job should stop; polled by the flow at least twice a second."""


class FlowError(Exception):
    """The design or a tool failed; the message is what the user reads in ``error_message``."""


class FlowCancelled(Exception):
    """The flow stopped because :meth:`FlowSink.cancel_requested` said so."""


class FlowTimedOut(FlowError):
    """The job ran past its wall-clock limit; the tool's whole process tree was killed."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str
    content: bytes


@dataclass(slots=True)
class FlowResult:
    """What a finished flow leaves: files to keep as artifacts and a one-line summary."""

    artifacts: list[Path] = field(default_factory=list)
    summary: str = ""
    reports: dict[str, object] = field(default_factory=dict)


class FlowFailedWithResult(FlowError):
    """The flow failed but left files worth keeping, e.g. the waveform of a failing testbench."""

    def __init__(self, message: str, result: FlowResult) -> None:
        super().__init__(message)
        self.result = result
