"""What a hardware engineer looks at first: a job's summary (``summary.json``).

A build's summary holds per-resource utilization, Fmax per clock against its target, yosys's
cell counts and how many warnings and errors the tools printed; a simulation's holds the counts
of ``$display`` output, ``$error``/``$fatal`` and warnings, and the simulated time at the end.
Everything here is pure: the flows feed tool output in, the transports read the models out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from a6hub.domain.errors import NotFound
from a6hub.domain.jobs import JobStatus

SUMMARY_ARTIFACT = "summary.json"

MAX_REMEMBERED = 10_000
_WARNING_LINE = re.compile(r"^(?:(?:Warning|WARNING):|\S+:\d+: [Ww]arning:).*$", re.MULTILINE)
_ERROR_LINE = re.compile(r"^(?:ERROR:|\S+:\d+: (?:error|syntax error)).*$", re.MULTILINE)
_FATAL = re.compile(r"^FATAL:", re.MULTILINE)
_FINISH = re.compile(r"\$(?:finish|stop) called at (\d+) \((\d+)(s|ms|us|ns|ps|fs)\)")
# vvp's own lines, which are not the testbench's $display output.
_VVP_OWN = re.compile(
    r"^(?:(?:VCD|FST|LXT|LXT2) info:|ERROR:|FATAL:|WARNING:|INFO:|\s+Time: \d+"
    r"|\S+: \$(?:finish|stop) called at)"
)
_SECONDS_PER = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9, "ps": 1e-12, "fs": 1e-15}


class ResourceUse(BaseModel):
    used: int
    available: int
    percent: int


class ClockTiming(BaseModel):
    clock: str
    achieved_mhz: float
    target_mhz: float
    passed: bool


class SimulatedTime(BaseModel):
    """Where the simulation stopped: ``value`` ticks of ``unit`` (vvp's precision, e.g. ``1ps``)."""

    value: int
    unit: str
    seconds: float

    def __str__(self) -> str:
        return human_time(self.seconds)


class BuildSummary(BaseModel):
    kind: Literal["build"] = "build"
    flow: str
    device: str | None = None
    package: str | None = None
    top: str | None = None
    sources: list[str] = Field(default_factory=list)
    utilization: dict[str, ResourceUse] = Field(default_factory=dict)
    clocks: list[ClockTiming] = Field(default_factory=list)
    timing_met: bool | None = None  # None: no clock (or no place and route)
    cells: dict[str, int] = Field(default_factory=dict)
    warnings: int = 0  # distinct warning lines of the tools (and the hub's own)
    errors: int = 0


class SimulationSummary(BaseModel):
    kind: Literal["simulation"] = "simulation"
    top: str | None = None
    sources: list[str] = Field(default_factory=list)
    passed: bool
    output_lines: int = 0  # what the testbench printed ($display, $write, $monitor)
    errors: int = 0  # $error
    fatals: int = 0  # $fatal
    warnings: int = 0  # distinct $warning lines and the compiler's warnings
    simulated_time: SimulatedTime | None = None  # None: the run ended without $finish or $stop
    waveforms: list[str] = Field(default_factory=list)


JobSummary = Annotated[BuildSummary | SimulationSummary, Field(discriminator="kind")]


class MessageCounter:
    """Counts the distinct warning and error lines in tools' output, fed in batches of whole lines.

    Distinct, because yosys shows some messages twice (on its output and in its log) and runs
    its checks more than once; past :data:`MAX_REMEMBERED` lines every further one counts.
    """

    def __init__(self) -> None:
        self.warnings = 0
        self.errors = 0
        self._seen: set[str] = set()

    def feed(self, text: str) -> None:
        if "arning" in text or "WARNING" in text:
            self.warnings += sum(map(self._new, _WARNING_LINE.findall(text)))
        if "rror" in text or "ERROR" in text:
            self.errors += sum(map(self._new, _ERROR_LINE.findall(text)))

    def _new(self, line: str) -> bool:
        if line in self._seen:
            return False
        if len(self._seen) < MAX_REMEMBERED:
            self._seen.add(line)
        return True


class SimulationOutput:
    """What vvp printed, counted: the testbench's own lines, errors, fatals and the end time."""

    def __init__(self) -> None:
        self.output_lines = 0
        self.errors = 0
        self.fatals = 0
        self.end: SimulatedTime | None = None

    def feed(self, text: str) -> None:
        lines = text.splitlines()
        self.output_lines += sum(1 for line in lines if not _VVP_OWN.match(line))
        self.errors += len(re.findall(r"^ERROR:", text, re.MULTILINE))
        self.fatals += len(_FATAL.findall(text))
        if "called at" in text and (end := simulated_time(text)):
            self.end = end


def simulated_time(text: str) -> SimulatedTime | None:
    """The last ``$finish called at 1234000 (1ps)`` (or ``$stop``) in ``text``, with its unit."""
    found = _FINISH.findall(text)
    if not found:
        return None
    value, scale, unit = found[-1]
    return SimulatedTime(
        value=int(value), unit=f"{scale}{unit}", seconds=int(value) * int(scale) * _SECONDS_PER[unit]
    )


def vcd_end_time(head: str, tail: str) -> SimulatedTime | None:
    """The last timestamp of a VCD file (``#1234``) in its ``$timescale``, from the file's first
    and last few kilobytes; the fallback when vvp does not say where ``$finish`` stopped."""
    scale = re.search(r"\$timescale\s+(\d+)\s*(s|ms|us|ns|ps|fs)\s+\$end", head)
    stamps = re.findall(r"^#(\d+)\s*$", tail, re.MULTILINE)
    if scale is None or not stamps:
        return None
    value, factor, unit = int(stamps[-1]), int(scale.group(1)), scale.group(2)
    return SimulatedTime(value=value, unit=f"{factor}{unit}", seconds=value * factor * _SECONDS_PER[unit])


def human_time(seconds: float) -> str:
    """``1.234 us``, ``20 ns``, ``0 s``: the largest unit that keeps the number at least 1."""
    if seconds == 0:
        return "0 s"
    for unit in ("s", "ms", "us", "ns", "ps", "fs"):
        scaled = seconds / _SECONDS_PER[unit]
        if scaled >= 1 or unit == "fs":
            return f"{scaled:.4g} {unit}"
    raise AssertionError("unreachable")


def build_summary(reports: Mapping[str, Any], counter: MessageCounter) -> BuildSummary:
    """The summary of a build from its ``reports.json`` data (possibly partial, for a failed build)."""
    clocks = [ClockTiming.model_validate(clock) for clock in reports.get("clocks", [])]
    return BuildSummary(
        flow=str(reports.get("flow", "")),
        device=reports.get("device"),
        package=reports.get("package"),
        top=reports.get("top"),
        sources=list(reports.get("sources", [])),
        utilization={
            kind: ResourceUse.model_validate(use) for kind, use in reports.get("utilization", {}).items()
        },
        clocks=clocks,
        timing_met=all(clock.passed for clock in clocks) if clocks else None,
        cells=dict(reports.get("cells", {})),
        warnings=counter.warnings,
        errors=counter.errors,
    )


def simulation_summary(
    reports: Mapping[str, Any], output: SimulationOutput, messages: MessageCounter, *, top: str
) -> SimulationSummary:
    """The summary of a simulation: ``output`` counted vvp's lines, ``messages`` every tool's warnings."""
    return SimulationSummary(
        top=top,
        sources=list(reports.get("sources", [])),
        passed=not (output.errors or output.fatals),
        output_lines=output.output_lines,
        errors=output.errors,
        fatals=output.fatals,
        warnings=messages.warnings,
        simulated_time=output.end,
        waveforms=list(reports.get("waveforms", [])),
    )


def no_summary(job_id: int, status: JobStatus) -> NotFound:
    """Why a job has no summary, and what to do about it."""
    if not status.is_terminal:
        return NotFound(
            f"job {job_id} has no summary yet: it is {status.value}, and its summary is written when "
            "it ends; ask again once it has completed or failed"
        )
    if status is JobStatus.CANCELLED:
        return NotFound(f"job {job_id} was cancelled before it wrote a summary")
    return NotFound(
        f"job {job_id} left no summary: it ended before its tools reported anything, or the summary "
        "was over the job's artifact limits; its log says why"
    )
