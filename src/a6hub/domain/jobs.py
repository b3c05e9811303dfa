"""Job rules: statuses and their transitions, flows and their weighted steps."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class JobStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATUSES


TERMINAL_STATUSES = frozenset({JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED})

_ALLOWED_TRANSITIONS: dict[JobStatus, frozenset[JobStatus]] = {
    JobStatus.PENDING: frozenset({JobStatus.RUNNING, JobStatus.FAILED, JobStatus.CANCELLED}),
    JobStatus.RUNNING: frozenset({JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED}),
    JobStatus.COMPLETED: frozenset(),
    JobStatus.FAILED: frozenset(),
    JobStatus.CANCELLED: frozenset(),
}


def can_transition(current: JobStatus, target: JobStatus) -> bool:
    return target in _ALLOWED_TRANSITIONS[current]


LOG_ARTIFACT = "job.log"
"""The job's log as an artifact: served from its events (stored once), listed once the job ended."""


def lists_log_artifact(status: JobStatus, log_size: int) -> bool:
    return status.is_terminal and log_size > 0


class JobType(StrEnum):
    BUILD = "build"
    SIMULATION = "simulation"


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    label: str
    weight: int


@dataclass(frozen=True, slots=True)
class Flow:
    """An ordered list of steps; the weights say how much of the job each one is."""

    name: str
    steps: tuple[Step, ...]

    @property
    def step_names(self) -> list[str]:
        return [step.name for step in self.steps]

    def step(self, name: str) -> Step:
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(name)

    def percent(self, completed: list[str], current: str | None, fraction: float) -> int:
        """Overall progress: finished steps' weights plus a fraction of the current step."""
        total = sum(step.weight for step in self.steps)
        done: float = sum(self.step(name).weight for name in completed)
        if current is not None and current not in completed:
            done += self.step(current).weight * min(max(fraction, 0.0), 1.0)
        return min(100, int(done * 100 / total))


_INIT = Step("initialization", "Initialization", 2)
_COPY = Step("verilog_copy", "Copying sources", 3)
_SYNTH = Step("synthesis", "Synthesis", 40)
_REPORTS = Step("reports", "Reports", 2)

_FPGA_STEPS = (
    _INIT,
    _COPY,
    _SYNTH,
    Step("place_route", "Place and route", 45),
    Step("bitstream", "Bitstream", 8),
    _REPORTS,
)

FLOWS: dict[str, Flow] = {
    "ice40": Flow("ice40", _FPGA_STEPS),
    "ecp5": Flow("ecp5", _FPGA_STEPS),
    "gowin": Flow("gowin", _FPGA_STEPS),
    "synth": Flow("synth", (_INIT, _COPY, Step("synthesis", "Synthesis", 90), Step("reports", "Reports", 5))),
    "simulation": Flow(
        "simulation",
        (
            _INIT,
            _COPY,
            Step("compile", "Compile (iverilog)", 25),
            Step("run", "Run (vvp)", 65),
            Step("reports", "Reports", 5),
        ),
    ),
}


def flow_for(job_type: JobType, config: dict[str, object]) -> Flow:
    if job_type is JobType.SIMULATION:
        return FLOWS["simulation"]
    return FLOWS[str(config.get("flow", "ice40"))]
