"""Reading the tools' reports into plain data, and the few lines a user reads first."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from a6hub.adapters.flows.context import FlowContext
from a6hub.adapters.flows.nextpnr import NEXTPNR_REPORT, clock_name
from a6hub.adapters.flows.yosys import STAT
from a6hub.domain.job_config import BuildConfig
from a6hub.domain.summary import build_summary as summarize_build

ALWAYS_SHOWN = (
    *("ICESTORM_LC", "ICESTORM_RAM", "SB_IO"),  # iCE40
    *("TRELLIS_COMB", "DP16KD", "TRELLIS_IO"),  # ECP5
    *("LUT4", "BSRAM", "IOB"),  # Gowin
)
LOGIC_NAMES = {"ICESTORM_LC": "LCs", "TRELLIS_COMB": "LUTs", "LUT4": "LUTs"}


def nextpnr_report(path: Path) -> dict[str, Any]:
    """Utilisation per cell type and achieved versus target frequency per clock."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"utilization": {}, "clocks": []}
    return {"utilization": _utilization(raw.get("utilization", {})), "clocks": _clocks(raw.get("fmax", {}))}


def _utilization(raw: dict[str, Any]) -> dict[str, dict[str, int]]:
    result = {}
    for kind, numbers in sorted(raw.items()):
        used, available = int(numbers.get("used", 0)), int(numbers.get("available", 0))
        percent = int(100 * used / available) if available else 0
        result[kind] = {"used": used, "available": available, "percent": percent}
    return result


def _clocks(raw: dict[str, Any]) -> list[dict[str, Any]]:
    clocks = []
    for net, numbers in sorted(raw.items()):
        achieved, target = float(numbers.get("achieved", 0.0)), float(numbers.get("constraint", 0.0))
        clocks.append(
            {
                "clock": clock_name(net),
                "net": net,
                "achieved_mhz": round(achieved, 2),
                "target_mhz": round(target, 2),
                "passed": achieved >= target,
            }
        )
    return clocks


def timing_lines(clocks: list[dict[str, Any]]) -> list[str]:
    if not clocks:
        return ["No clocks found in the design: no frequency to report"]
    return [
        f"Max frequency for clock '{clock['clock']}': {clock['achieved_mhz']:.1f} MHz "
        f"(target {clock['target_mhz']:.1f} MHz) {'PASS' if clock['passed'] else 'FAIL'}"
        for clock in clocks
    ]


def utilization_lines(utilization: dict[str, dict[str, int]]) -> list[str]:
    return [
        f"{kind}: {numbers['used']}/{numbers['available']} ({numbers['percent']}%)"
        for kind, numbers in utilization.items()
        if numbers["used"] or kind in ALWAYS_SHOWN
    ]


def cell_summary(cells: dict[str, int]) -> str:
    """The cell counts in words, largest first: ``76 cells: 26 SB_DFF, 26 SB_LUT4, 24 SB_CARRY``."""
    total = sum(cells.values())
    parts = [f"{count} {kind}" for kind, count in sorted(cells.items(), key=lambda item: (-item[1], item[0]))]
    return f"{total} cells" + (f": {', '.join(parts)}" if parts else "")


def build_summary(device: str, package: str, report: dict[str, Any], *, logic: str = "ICESTORM_LC") -> str:
    """One line, e.g. "up5k/sg48: 29/5280 LCs (0%), clk 73.2 MHz (target 12.0 MHz)"."""
    summary = f"{device}/{package}"
    if used := report["utilization"].get(logic):
        name = LOGIC_NAMES.get(logic, logic)
        summary += f": {used['used']}/{used['available']} {name} ({used['percent']}%)"
    clocks = [
        f"{clock['clock']} {clock['achieved_mhz']:.1f} MHz (target {clock['target_mhz']:.1f} MHz)"
        for clock in report["clocks"]
    ]
    return ", ".join([summary, *clocks])


def write_summary(ctx: FlowContext, data: dict[str, object]) -> Path:
    """Write ``summary.json`` from a build's reports data and the messages counted so far."""
    return ctx.write_summary(summarize_build(data, ctx.messages))


def write_failed_summary(ctx: FlowContext, config: BuildConfig) -> Path:
    """``summary.json`` of a failed build: what synthesis and nextpnr reported before the failure."""
    data: dict[str, object] = {
        "flow": config.flow,
        "device": config.device,
        "package": config.resolved_package,
    }
    data["top"], data["sources"] = config.top, list(ctx.sources)
    data["cells"] = _cells(ctx.workdir / STAT)
    data |= nextpnr_report(ctx.workdir / NEXTPNR_REPORT)
    summary = summarize_build(data, ctx.messages)
    summary.errors = max(summary.errors, 1)  # the failure itself, whatever the tools printed
    return ctx.write_summary(summary)


def _cells(path: Path) -> dict[str, int]:
    try:
        counts = json.loads(path.read_text(encoding="utf-8"))["design"]["num_cells_by_type"]
        return {str(name): int(count) for name, count in counts.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
