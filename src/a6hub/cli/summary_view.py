"""A job's summary as compact rich tables: what `a6hub watch` prints before the outcome line."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from a6hub.client.models import BuildSummary, SimulatedTime, SimulationSummary

UNITS = (("s", 1.0), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9), ("ps", 1e-12), ("fs", 1e-15))


def render_summary(summary: BuildSummary | SimulationSummary) -> RenderableType:
    if isinstance(summary, SimulationSummary):
        return _simulation(summary)
    return _build(summary)


def _build(summary: BuildSummary) -> RenderableType:
    where = "/".join(part for part in (summary.device, summary.package) if part)
    title = " · ".join(part for part in (f"{summary.flow} build", where, summary.top) if part)
    parts: list[RenderableType] = [Text(title, style="bold")]
    used = {kind: use for kind, use in summary.utilization.items() if use.used}
    if used:
        table = Table("resource", "used", "available", "%", box=None, pad_edge=False)
        for kind, use in used.items():
            table.add_row(kind, str(use.used), str(use.available), f"{use.percent}%")
        parts.append(table)
    if summary.clocks:
        clocks = Table("clock", "Fmax (MHz)", "target (MHz)", "timing", box=None, pad_edge=False)
        for clock in summary.clocks:
            verdict = Text("PASS", style="green") if clock.passed else Text("FAIL", style="bold red")
            clocks.add_row(clock.clock, f"{clock.achieved_mhz:.1f}", f"{clock.target_mhz:.1f}", verdict)
        parts.append(clocks)
    parts.append(Text(f"{sum(summary.cells.values())} cells · " + _counts(summary.warnings, summary.errors)))
    parts += _source_order(summary.sources)
    return Group(*parts)


def _source_order(sources: list[str]) -> list[RenderableType]:
    return [Text(f"sources, in this order: {' '.join(sources)}", style="dim")] if sources else []


def _simulation(summary: SimulationSummary) -> RenderableType:
    outcome = Text("passed", style="green") if summary.passed else Text("failed", style="bold red")
    head = Text.assemble(("simulation", "bold"), f" · {summary.top or 'testbench'} ", outcome)
    end = summary.simulated_time
    ended = f"simulated time {simulated(end)}" if end else "simulated time unknown (no waveform)"
    counts = (
        f"{_plural(summary.output_lines, 'output line')} · {summary.errors} $error · "
        f"{summary.fatals} $fatal · {_plural(summary.warnings, 'warning')} · {ended}"
    )
    return Group(head, Text(counts), *_source_order(summary.sources))


def _counts(warnings: int, errors: int) -> str:
    return f"{_plural(warnings, 'warning')} · {_plural(errors, 'error')}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"


def simulated(time: SimulatedTime) -> str:
    """``20 ns``: the largest unit that keeps the number at least 1."""
    if time.seconds == 0:
        return "0 s"
    unit, scale = next(((u, s) for u, s in UNITS if time.seconds >= s), UNITS[-1])
    return f"{time.seconds / scale:.4g} {unit}"
