"""The ice40 and synth flows, run with the real YoWASP yosys, nextpnr and icepack."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from tests.flows.flowkit import BIG_DESIGN, BLINKY, ICEBREAKER_PCF, RecordingSink, sources

from a6hub.adapters.flows import FlowError, run_flow
from a6hub.domain.job_config import BuildConfig
from a6hub.domain.jobs import FLOWS, JobType
from a6hub.domain.summary import BuildSummary

pytestmark = pytest.mark.slow

ICEBREAKER = {"top": "blinky", "device": "up5k", "package": "sg48", "pcf": "icebreaker.pcf"}


def build(config: dict[str, Any], files: dict[str, bytes], workdir: Path, sink: RecordingSink) -> Any:
    return run_flow(
        JobType.BUILD, BuildConfig.model_validate(config), sources(files), workdir, sink, timeout_s=300
    )


def assert_progress_sane(sink: RecordingSink) -> None:
    for step, fractions in sink.progress.items():
        assert fractions == sorted(fractions), step
        assert all(0.0 <= fraction <= 1.0 for fraction in fractions), step


def test_ice40_blinky_for_icebreaker(workdir: Path, sink: RecordingSink) -> None:
    files = {"rtl/blinky.v": BLINKY, "icebreaker.pcf": ICEBREAKER_PCF}
    result = build(ICEBREAKER, files, workdir, sink)

    assert sink.steps == FLOWS["ice40"].step_names
    assert_progress_sane(sink)
    for step in ("synthesis", "place_route"):
        assert any(0.0 < fraction < 1.0 for fraction in sink.progress[step]), sink.progress[step]
    bitstream = workdir / "design.bin"
    assert bitstream in result.artifacts and bitstream.stat().st_size > 0
    assert {path.name for path in result.artifacts} >= {"design.json", "design.asc", "reports.json"}
    assert (workdir / "src/rtl/blinky.v").read_bytes() == BLINKY
    clock = result.reports["clocks"][0]
    assert clock["clock"] == "clk" and clock["target_mhz"] == 12.0 and clock["achieved_mhz"] > 12.0
    assert result.reports["utilization"]["ICESTORM_LC"]["used"] > 20
    assert json.loads((workdir / "reports.json").read_text())["top"] == "blinky"
    output = sink.output
    assert "src/rtl/blinky.v" in output and "Executing SYNTH_ICE40 pass" in output
    assert "Info: Program finished normally." in output
    assert "Max frequency for clock 'clk':" in output and "(target 12.0 MHz) PASS" in output
    assert "ICESTORM_LC: " in output and "/5280 (" in output
    assert result.summary.startswith("up5k/sg48: ")
    summary = BuildSummary.model_validate_json((workdir / "summary.json").read_text())
    assert workdir / "summary.json" in result.artifacts
    assert (summary.device, summary.package, summary.sources) == ("up5k", "sg48", ["rtl/blinky.v"])
    assert (
        summary.utilization["ICESTORM_LC"].used > 20 and summary.utilization["ICESTORM_LC"].available == 5280
    )
    assert summary.clocks[0].clock == "clk" and summary.clocks[0].passed and summary.timing_met
    assert summary.cells["SB_DFF"] == 26 and summary.errors == 0


def test_synth_flow_reports_cells_and_picks_the_top(workdir: Path, sink: RecordingSink) -> None:
    files = {"blinky.v": BLINKY, "tb/blinky_tb.v": b"module blinky_tb; initial $finish; endmodule\n"}
    result = build({"flow": "synth"}, files, workdir, sink)

    assert sink.steps == FLOWS["synth"].step_names
    assert_progress_sane(sink)
    assert result.reports["top"] == "blinky"
    cells = result.reports["cells"]
    assert cells["SB_DFF"] == 26 and cells["SB_LUT4"] > 0
    assert (workdir / "design.json") in result.artifacts
    assert "Not synthesizing testbench file(s): tb/blinky_tb.v" in sink.output


def test_yosys_error_line_becomes_the_message(workdir: Path, sink: RecordingSink) -> None:
    broken = b"module blinky(input clk, output led);\n  assign led = clk\nendmodule\n"
    with pytest.raises(FlowError) as failure:
        build({"flow": "synth"}, {"blinky.v": broken}, workdir, sink)

    assert str(failure.value).startswith("synthesis failed: src/blinky.v:3: ERROR: syntax error")
    assert "ERROR: syntax error" in sink.output
    assert sink.steps[-1] == "synthesis"


def test_unknown_pcf_is_rejected_before_tools_run(workdir: Path, sink: RecordingSink) -> None:
    with pytest.raises(FlowError, match=r"constraints file \(config.pcf\) 'board.pcf' is not a file"):
        build({**ICEBREAKER, "pcf": "board.pcf"}, {"blinky.v": BLINKY}, workdir, sink)
    assert "synthesis" not in sink.steps


def test_include_outside_the_project_is_rejected(workdir: Path, sink: RecordingSink) -> None:
    design = b'`include "/etc/passwd"\n' + BLINKY
    with pytest.raises(FlowError, match="`include of '/etc/passwd' is outside the project"):
        build({"flow": "synth"}, {"blinky.v": design}, workdir, sink)
    with pytest.raises(FlowError, match=re.escape("`include of '../secret.vh' is outside the project")):
        build({"flow": "synth"}, {"a/blinky.v": b'`include "../secret.vh"\n' + BLINKY}, workdir, sink)


def test_include_inside_the_project_works(workdir: Path, sink: RecordingSink) -> None:
    design = b'`include "common/width.vh"\n// `include "/etc/passwd" in a comment is fine\n' + BLINKY
    files = {"rtl/blinky.v": design, "common/width.vh": b"`define WIDTH 26\n"}
    result = build({"flow": "synth", "top": "blinky"}, files, workdir, sink)
    assert result.reports["top"] == "blinky"


def test_timing_failure_names_the_clock_and_the_fix(workdir: Path, sink: RecordingSink) -> None:
    config = {**ICEBREAKER, "frequency_mhz": 900}
    with pytest.raises(FlowError, match=r"timing not met: clock 'clk' reaches [\d.]+ MHz, below the target"):
        build(config, {"blinky.v": BLINKY, "icebreaker.pcf": ICEBREAKER_PCF}, workdir, sink)
    summary = BuildSummary.model_validate_json((workdir / "summary.json").read_text())
    assert summary.cells["SB_DFF"] == 26 and summary.errors >= 1 and summary.flow == "ice40"


def test_without_pcf_the_pins_float_and_the_user_is_warned(workdir: Path, sink: RecordingSink) -> None:
    result = build({"device": "hx1k"}, {"big.v": BIG_DESIGN.replace(b"N = 48", b"N = 4")}, workdir, sink)
    assert "Warning: no pin constraints file" in sink.output
    assert BuildSummary.model_validate_json((workdir / "summary.json").read_text()).warnings >= 1
    assert result.reports["package"] == "tq144"
    assert (workdir / "design.bin").stat().st_size > 0
