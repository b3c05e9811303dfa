"""The tools' own options, with the real tools: upstream picorv32 and PicoSoC, unchanged.

The designs are read from the installed ``pythondata-cpu-picorv32`` package (picorv32's
repository as released), never copied into this one.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from tests.flows.flowkit import RecordingSink, sources

from a6hub.adapters.flows import FlowError, FlowResult, run_flow
from a6hub.domain.job_config import BuildConfig, SimulationConfig
from a6hub.domain.jobs import JobType
from a6hub.domain.summary import BuildSummary

pytestmark = pytest.mark.slow

PICORV32 = files("pythondata_cpu_picorv32") / "verilog"
# picosoc/Makefile: "icebreaker.json: icebreaker.v ice40up5k_spram.v spimemio.v simpleuart.v
# picosoc.v ../picorv32.v"
PICOSOC_ORDER = [
    "picosoc/icebreaker.v",
    "picosoc/ice40up5k_spram.v",
    "picosoc/spimemio.v",
    "picosoc/simpleuart.v",
    "picosoc/picosoc.v",
    "picorv32.v",
]
PICOSOC = {
    "top": "icebreaker",
    "device": "up5k",
    "package": "sg48",
    "pcf": "picosoc/icebreaker.pcf",
    "files": PICOSOC_ORDER,
    "frequency_mhz": 13,  # the Makefile's nextpnr-ice40 --freq 13
}


def upstream(*names: str) -> dict[str, bytes]:
    return {name: (PICORV32 / name).read_bytes() for name in names}


def build(
    config: dict[str, Any], project: dict[str, bytes], workdir: Path, sink: RecordingSink
) -> FlowResult:
    return run_flow(
        JobType.BUILD, BuildConfig.model_validate(config), sources(project), workdir, sink, timeout_s=900
    )


def simulate(
    config: dict[str, Any], project: dict[str, bytes], workdir: Path, sink: RecordingSink
) -> FlowResult:
    return run_flow(
        JobType.SIMULATION,
        SimulationConfig.model_validate(config),
        sources(project),
        workdir,
        sink,
        timeout_s=300,
    )


def test_picosoc_for_icebreaker_builds_with_dsp_and_meets_13_mhz(workdir: Path, sink: RecordingSink) -> None:
    project = upstream(*PICOSOC_ORDER, "picosoc/icebreaker.pcf")
    result = build(
        {**PICOSOC, "synth_options": ["-dsp"], "pnr_options": ["--seed", "1"]}, project, workdir, sink
    )

    reports: dict[str, Any] = result.reports
    assert (workdir / "design.bin").stat().st_size > 100_000
    clock = reports["clocks"][0]
    assert clock["target_mhz"] == 13.0 and clock["achieved_mhz"] >= 13.0 and clock["passed"], clock
    assert reports["utilization"]["ICESTORM_DSP"]["used"] > 0
    assert result.reports["sources"] == PICOSOC_ORDER
    assert json.loads((workdir / "reports.json").read_text())["sources"] == PICOSOC_ORDER
    assert "Sources, in this order: " + ", ".join(PICOSOC_ORDER) + "\n" in sink.output
    assert "synth_ice40 -device u -dsp -top icebreaker" in (workdir / "synth.ys").read_text()
    assert "--seed 1" in sink.output


def test_picosoc_without_dsp_does_not_fit_the_up5k(workdir: Path, sink: RecordingSink) -> None:
    project = upstream(*PICOSOC_ORDER, "picosoc/icebreaker.pcf")
    with pytest.raises(FlowError) as failed:
        build(PICOSOC, project, workdir, sink)
    message = str(failed.value)
    assert message.startswith("place_route failed: the design does not fit the device: no ICESTORM_LC left")
    assert "no BELs remaining to implement cell type 'ICESTORM_LC'" in message
    assert "config.synth_options (e.g. -dsp for an iCE40 UltraPlus)" in message
    summary = BuildSummary.model_validate_json((workdir / "summary.json").read_text())
    assert summary.cells["SB_LUT4"] > 5280 and summary.errors >= 1 and summary.sources == PICOSOC_ORDER


TESTBENCH_EZ = {"top": "testbench", "files": ["testbench_ez.v", "picorv32.v"]}


def test_testbench_ez_writes_a_waveform_only_with_plusarg_vcd(tmp_path: Path) -> None:
    project = upstream("testbench_ez.v", "picorv32.v")
    with_vcd, with_vcd_sink = tmp_path / "vcd", RecordingSink()
    result = simulate({**TESTBENCH_EZ, "plusargs": ["+vcd"]}, project, with_vcd, with_vcd_sink)
    assert [path.name for path in result.artifacts] == ["testbench.vcd", "summary.json", "reports.json"]
    assert '"simulated_time": {' in (with_vcd / "summary.json").read_text()
    assert (with_vcd / "src/testbench.vcd").read_bytes().startswith(b"$date")
    assert result.reports["waveforms"] == ["src/testbench.vcd"]
    assert result.reports["sources"] == ["testbench_ez.v", "picorv32.v"]
    assert "Sources, in this order: testbench_ez.v, picorv32.v\n" in with_vcd_sink.output
    assert "../sim.vvp +vcd\n" in with_vcd_sink.output

    without, without_sink = tmp_path / "plain", RecordingSink()
    plain = simulate(TESTBENCH_EZ, project, without, without_sink)
    assert plain.reports["waveforms"] == [] and "no waveform written" in plain.summary
    assert "ifetch 0x00000000: " in without_sink.output  # the testbench ran as before


def test_fst_waveform_is_named_fst(workdir: Path, sink: RecordingSink) -> None:
    project = upstream("testbench_ez.v", "picorv32.v")
    result = simulate({**TESTBENCH_EZ, "plusargs": ["+vcd"], "waveform": "fst"}, project, workdir, sink)
    assert result.reports["waveforms"] == ["src/testbench.fst"]
    assert (workdir / "src/testbench.fst").read_bytes()[:1] == b"\x00"
    assert not (workdir / "src/testbench.vcd").exists()
    assert "../sim.vvp -fst +vcd\n" in sink.output


TB_OPTIONS = b"""\
`include "defs.vh"
module tb;
  parameter WIDTH = 4;
  initial begin
`ifdef GREETING
    $display("greeting %0d width %0d base %0d", `GREETING, WIDTH, `BASE);
`endif
    $finish;
  end
endmodule
"""


def test_defines_parameters_include_dirs_and_generation_reach_iverilog(
    workdir: Path, sink: RecordingSink
) -> None:
    project = {"tb.v": TB_OPTIONS, "inc/defs.vh": b"`define BASE 40\n"}
    config = {
        "top": "tb",
        "defines": {"GREETING": "8'h2A"},
        "parameters": {"WIDTH": 12},
        "include_dirs": ["inc"],
        "generation": "2005",
    }
    simulate(config, project, workdir, sink)
    assert "greeting 42 width 12 base 40" in sink.output
    assert "$ iverilog -g2005 " in sink.output and " -Isrc/inc -Ptb.WIDTH=12 " in sink.output


def test_a_missing_include_folder_is_named(workdir: Path, sink: RecordingSink) -> None:
    with pytest.raises(FlowError, match=r"config\.include_dirs: no such folder in the project: inc, more"):
        simulate({"top": "tb", "include_dirs": ["inc", "more"]}, {"tb.v": TB_OPTIONS}, workdir, sink)


COUNTER = b"""\
`include "width.vh"
module counter #(parameter W = 2) (input clk, output [W-1:0] q);
  reg [W-1:0] r = 0;
`ifdef STEP
  always @(posedge clk) r <= r + `STEP;
`else
  always @(posedge clk) r <= r + 1;
`endif
  assign q = r;
endmodule
"""


def test_defines_parameters_and_include_dirs_reach_yosys(workdir: Path, sink: RecordingSink) -> None:
    project = {"rtl/counter.v": COUNTER, "include/width.vh": b"// nothing but a comment\n"}
    config = {
        "flow": "synth",
        "top": "counter",
        "defines": {"STEP": "3"},
        "parameters": {"W": "8'd20"},
        "include_dirs": ["include"],
        "synth_options": ["-nocarry", "-noabc"],
    }
    result = build(config, project, workdir, sink)
    script = (workdir / "synth.ys").read_text()
    assert "read_verilog -sv -Isrc -DSTEP=3 -Isrc/include " in script
    assert "chparam -set W 8'd20 counter\n" in script
    assert "synth_ice40 -device u -nocarry -noabc -top counter" in script
    cells: dict[str, int] = result.reports["cells"]  # type: ignore[assignment]
    assert cells.get("SB_DFF", 0) == 20 and "SB_CARRY" not in cells


def test_synth_options_of_another_family_reach_its_synth_pass(workdir: Path, sink: RecordingSink) -> None:
    project = {"rtl/counter.v": COUNTER, "include/width.vh": b"\n"}
    config: dict[str, Any] = {"flow": "synth", "device": "25k", "top": "counter"}
    config |= {"synth_options": ["-noccu2"], "include_dirs": ["include"], "parameters": {"W": 6}}
    result = build(config, project, workdir, sink)
    assert "synth_ecp5 -noccu2 -top counter" in (workdir / "synth.ys").read_text()
    cells: dict[str, int] = result.reports["cells"]  # type: ignore[assignment]
    assert "CCU2C" not in cells and cells.get("TRELLIS_FF", 0) == 6, cells


DEMO = Path(__file__).resolve().parents[2] / "src" / "a6hub" / "demo"


def demo(*names: str) -> dict[str, bytes]:
    return {name: (DEMO / name).read_bytes() for name in names}


def test_ecp5_and_gowin_take_their_own_options(tmp_path: Path) -> None:
    ecp5 = {"flow": "ecp5", "top": "blinky_ulx3s", "device": "25k", "pcf": "ulx3s.lpf", "frequency_mhz": 25}
    ecp5 |= {"synth_options": ["-nowidelut"], "pnr_options": ["--seed", "3", "--placer", "sa", "--no-tmdriv"]}
    ecp5_sink = RecordingSink()
    build(ecp5, demo("blinky_ulx3s.v", "ulx3s.lpf"), tmp_path / "ecp5", ecp5_sink)
    assert "synth_ecp5 -nowidelut -top blinky_ulx3s" in (tmp_path / "ecp5/synth.ys").read_text()
    assert " --seed 3 --placer sa --no-tmdriv\n" in ecp5_sink.output
    assert (tmp_path / "ecp5/design.bit").stat().st_size > 0

    gowin = {"flow": "gowin", "top": "blinky_tangnano9k", "pcf": "tangnano9k.cst", "frequency_mhz": 27}
    gowin |= {"synth_options": ["-noalu"], "pnr_options": ["--seed=5", "--router=router2"]}
    gowin_sink = RecordingSink()
    build(gowin, demo("blinky_tangnano9k.v", "tangnano9k.cst"), tmp_path / "gowin", gowin_sink)
    assert "synth_gowin -noalu -top blinky_tangnano9k" in (tmp_path / "gowin/synth.ys").read_text()
    assert " --seed 5 --router router2\n" in gowin_sink.output
    assert (tmp_path / "gowin/design.fs").stat().st_size > 0
