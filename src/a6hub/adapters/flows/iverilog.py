"""Simulation with Icarus Verilog: compile with iverilog, run with vvp."""

from __future__ import annotations

import re
from collections.abc import Sequence

from a6hub.adapters.flows.context import FlowContext
from a6hub.adapters.flows.progress import StepProgress, ToolWatcher
from a6hub.adapters.flows.runner import ToolCall
from a6hub.adapters.flows.sources import SOURCE_DIR
from a6hub.domain.summary import SimulationOutput

COMPILED = "sim.vvp"


def compile_testbench(
    ctx: FlowContext, iverilog: str, files: list[str], *, top: str, flags: Sequence[str] = ("-g2012",)
) -> None:
    """Elaborate ``files`` with ``top`` as root into ``sim.vvp`` (``flags``: -g, -D, -I, -P items)."""
    argv = [
        iverilog,
        *flags,
        "-grelative-include",
        f"-I{SOURCE_DIR}",
        "-o",
        COMPILED,
        "-s",
        top,
        *files,
    ]
    watcher = CompileWatcher(ctx.progress)
    ctx.check("compile", "iverilog", ctx.run(ToolCall("iverilog", argv), watcher), watcher)
    ctx.progress.at(1.0)


def run_simulation(
    ctx: FlowContext, vvp: str, extended: Sequence[str] = (), watcher: SimulationWatcher | None = None
) -> SimulationWatcher:
    """Run ``sim.vvp``; the watcher holds the first error the testbench reported.

    It runs in the project folder (``src``) so ``$readmemh("data.hex")`` and other file names
    mean project files, as they do on the user's machine; ``$dumpfile`` output lands there too.
    Exit code problems raise; ``$error`` lines (exit code 0) are left to the caller.
    ``extended``: what follows the compiled file (``-fst``, plusargs); ``watcher``: one of the
    caller's, to read what the run printed even when it failed.
    """
    # -n: $stop ends the run instead of waiting for input; -i: unbuffered output, so
    # $display lines reach the log as they are printed rather than in 4 KiB blocks.
    call = ToolCall("vvp", [vvp, "-n", "-i", f"../{COMPILED}", *extended], cwd=SOURCE_DIR)
    watcher = watcher or SimulationWatcher(ctx.progress)
    ctx.check("simulation", "vvp", ctx.run(call, watcher), watcher)
    return watcher


class CompileWatcher(ToolWatcher):
    """Keeps iverilog's most telling error: a located error first, then missing files, then any."""

    _BY_PRIORITY = (
        re.compile(r"^[^\s:]+:\d+: (?:syntax error|error: .*|.*not found.*)$", re.MULTILINE),
        re.compile(r"^.*: No such file or directory$", re.MULTILINE),
        re.compile(r"^(?:error|.*\berror\b.*): .*$", re.MULTILINE),
    )

    def __init__(self, progress: StepProgress) -> None:
        super().__init__(progress)
        self._priority = len(self._BY_PRIORITY)

    def parse(self, text: str) -> None:
        for priority, pattern in enumerate(self._BY_PRIORITY[: self._priority]):
            if match := pattern.search(text):
                self.error_line, self._priority = match.group(0).strip(), priority
                return


class SimulationWatcher(ToolWatcher):
    """Counts what the testbench printed; ``$error`` and ``$fatal`` print "ERROR:" / "FATAL:" lines."""

    error_pattern = re.compile(r"^(?:ERROR|FATAL):.*$", re.MULTILINE)
    _ERRORS = re.compile(r"^(?:ERROR|FATAL):", re.MULTILINE)

    def __init__(self, progress: StepProgress) -> None:
        super().__init__(progress)
        self.lines = 0
        self.errors = 0
        self.output = SimulationOutput()

    def feed(self, text: str) -> None:
        self.output.feed(text)
        self.lines += text.count("\n")
        if "ERROR:" in text or "FATAL:" in text:
            self.errors += len(self._ERRORS.findall(text))
            super().feed(text)
        elif text.strip():
            self.last_line = text.rstrip().rpartition("\n")[2].strip() or self.last_line
