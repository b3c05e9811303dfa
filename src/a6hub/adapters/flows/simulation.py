"""The simulation flow: initialization, verilog_copy, compile, run, reports."""

from __future__ import annotations

import dataclasses
import os
import stat
from pathlib import Path

from a6hub.adapters.flows.base import (
    FlowError,
    FlowFailedWithResult,
    FlowResult,
    FlowSink,
    FlowTimedOut,
    SourceFile,
)
from a6hub.adapters.flows.context import FlowContext
from a6hub.adapters.flows.disk import DiskBudgetExceeded
from a6hub.adapters.flows.iverilog import SimulationWatcher, compile_testbench, run_simulation
from a6hub.adapters.flows.runner import Deadline, ToolEnvironment
from a6hub.adapters.flows.sources import copy_step, select_hdl
from a6hub.adapters.flows.tool_args import (
    announce_sources,
    check_include_dirs,
    iverilog_flags,
    vvp_extended_args,
)
from a6hub.adapters.flows.tools import iverilog_version, require_iverilog
from a6hub.domain.job_config import SimulationConfig
from a6hub.domain.jobs import FLOWS
from a6hub.domain.summary import SimulatedTime, simulation_summary, vcd_end_time

WAVEFORM_SUFFIXES = (".vcd", ".fst", ".lxt", ".lxt2", ".ghw")
RUN_TIMEOUT_HINT = (
    "make sure the testbench ends with $finish (a free-running clock or a `forever` loop never "
    "stops on its own), or raise config.timeout_s"
)


def simulate(
    config: SimulationConfig,
    sources: list[SourceFile],
    tools: ToolEnvironment,
    sink: FlowSink,
    *,
    timeout_s: float,
) -> FlowResult:
    """Compile and run the testbench ``config.top``; fails on a non-zero exit or an ERROR/FATAL line."""
    seconds = min(timeout_s, float(config.timeout_s))
    workdir = tools.workdir
    ctx = FlowContext(FLOWS["simulation"], tools, sink, Deadline.after(seconds))
    ctx.step("initialization")
    iverilog, vvp = require_iverilog()
    ctx.log(
        "a6hub simulation flow",
        f"Tools: {iverilog_version(iverilog)}",
        f"Testbench top module: {config.top}",
        f"Time limit: {seconds:g} s",
        f"Sandbox: {tools.sandbox.describe()}",
    )
    ctx.step("verilog_copy")
    uploaded = {workdir / path for path in copy_step(ctx.log, sources, workdir)}
    files = select_hdl(config.files, sources, skip_testbenches=False)
    announce_sources(ctx, files)
    check_include_dirs(config.include_dirs, workdir)
    ctx.step("compile")
    compile_testbench(ctx, iverilog, files, top=config.top, flags=iverilog_flags(config))
    ctx.step("run")
    ctx.deadline = dataclasses.replace(ctx.deadline, hint=RUN_TIMEOUT_HINT)
    watcher = _run(ctx, vvp, uploaded, config)
    ctx.step("reports")
    result = _result(ctx, watcher, uploaded, config.top)
    ctx.log(result.summary)
    result.artifacts.append(ctx.write_reports(result.reports))
    ctx.finish()
    return result


def _run(ctx: FlowContext, vvp: str, uploaded: set[Path], config: SimulationConfig) -> SimulationWatcher:
    watcher = SimulationWatcher(ctx.progress)
    try:
        run_simulation(ctx, vvp, vvp_extended_args(config), watcher)
    except (FlowTimedOut, DiskBudgetExceeded):
        raise
    except FlowError as exc:
        if config.waveform == "fst":
            name_fst_files(ctx, uploaded)
        raise FlowFailedWithResult(str(exc), _result(ctx, watcher, uploaded, config.top)) from exc
    if config.waveform == "fst":
        name_fst_files(ctx, uploaded)
    if watcher.error_line:
        more = f" (and {watcher.errors - 1} more)" if watcher.errors > 1 else ""
        message = f"simulation failed: {watcher.error_line}{more}"
        raise FlowFailedWithResult(message, _result(ctx, watcher, uploaded, config.top))
    return watcher


def _result(ctx: FlowContext, watcher: SimulationWatcher, uploaded: set[Path], top: str) -> FlowResult:
    """The run's reports, and ``summary.json`` among the artifacts."""
    waves = waveforms(ctx.workdir, uploaded)
    names = [str(path.relative_to(ctx.workdir)) for path in waves]
    reports: dict[str, object] = {
        "output_lines": watcher.lines,
        "errors": watcher.errors,
        "first_error": watcher.error_line,
        "waveforms": names,
    }
    outcome = "failed" if watcher.error_line else "passed"
    shown = f"; waveforms: {', '.join(names)}" if names else "; no waveform written ($dumpfile)"
    if watcher.output.end is None:
        watcher.output.end = _waveform_end(waves)
    summary = simulation_summary({**reports, "sources": ctx.sources}, watcher.output, ctx.messages, top=top)
    artifacts = [*waves, ctx.write_summary(summary)]
    return FlowResult(artifacts=artifacts, summary=f"Simulation {outcome}{shown}", reports=reports)


def _waveform_end(waves: list[Path]) -> SimulatedTime | None:
    """The simulated time at the end, read from a VCD file (vvp 11 does not print it)."""
    for path in waves:
        if path.suffix.lower() == ".vcd":
            with path.open("rb") as file:
                head = file.read(1 << 16).decode("utf-8", errors="replace")
                file.seek(max(0, path.stat().st_size - (1 << 14)))
                tail = file.read().decode("utf-8", errors="replace")
            if end := vcd_end_time(head, tail):
                return end
    return None


def waveforms(workdir: Path, uploaded: set[Path]) -> list[Path]:
    """Waveform files the simulation wrote anywhere in the workdir (not uploaded ones).

    Only regular files count: a symbolic link the job made could point at a file of the worker's
    that the sandbox never showed, and the worker reads artifacts outside the sandbox.
    """
    found = []
    for folder, dirs, files in os.walk(workdir):  # never into linked folders
        dirs[:] = [name for name in dirs if not (folder == str(workdir) and name == ".tmp")]
        found += [Path(folder, name) for name in files if Path(name).suffix.lower() in WAVEFORM_SUFFIXES]
    return sorted(path for path in found if path not in uploaded and _regular_file(path))


def name_fst_files(ctx: FlowContext, uploaded: set[Path]) -> None:
    """With ``vvp -fst``, ``$dumpfile("x.vcd")`` writes FST into x.vcd: call it x.fst instead."""
    for path in waveforms(ctx.workdir, uploaded):
        target = path.with_suffix(".fst")
        if path.suffix.lower() == ".vcd" and not target.exists() and _starts_like_fst(path):
            path.rename(target)
            ctx.log(f"Waveform {path.name} is in FST format: renamed {target.name}")


def _starts_like_fst(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(1) == b"\x00"  # FST's header block; a VCD file is text


def _regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False
