"""The simulation flow with the real iverilog and vvp."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.flows.flowkit import BLINKY, RecordingSink, sources

from a6hub.adapters.flows import FlowError, FlowFailedWithResult, FlowResult, FlowTimedOut, run_flow
from a6hub.adapters.flows.tools import IVERILOG_MISSING
from a6hub.domain.job_config import SimulationConfig
from a6hub.domain.jobs import FLOWS, JobType
from a6hub.domain.summary import SimulationSummary

pytestmark = pytest.mark.slow

TESTBENCH = b"""\
`timescale 1ns/1ps
module blinky_tb;
  reg clk = 0;
  wire r, g, b;
  blinky dut(.clk(clk), .led_r(r), .led_g(g), .led_b(b));
  always #1 clk = ~clk;
  initial begin
    $dumpfile("blinky_tb.vcd");
    $dumpvars(0, blinky_tb);
    $display("starting");
    #20 $display("counter is %0d", dut.counter);
    if (dut.counter != 10) $error("expected 10, got %0d", dut.counter);
    $finish;
  end
endmodule
"""


def simulate(
    files: dict[str, bytes], workdir: Path, sink: RecordingSink, *, job_timeout_s: float = 60, **config: Any
) -> FlowResult:
    """Run the flow; ``config`` holds SimulationConfig fields, ``job_timeout_s`` the worker's limit."""
    settings = SimulationConfig.model_validate({"top": "blinky_tb", **config})
    return run_flow(JobType.SIMULATION, settings, sources(files), workdir, sink, timeout_s=job_timeout_s)


def test_passing_testbench_streams_output_and_keeps_the_waveform(workdir: Path, sink: RecordingSink) -> None:
    result = simulate({"blinky.v": BLINKY, "tb/blinky_tb.v": TESTBENCH}, workdir, sink)

    assert sink.steps == FLOWS["simulation"].step_names
    assert "starting\ncounter is 10\n" in sink.output
    assert "Icarus Verilog version" in sink.output
    vcd = workdir / "src" / "blinky_tb.vcd"
    assert result.artifacts[0] == vcd and b"$enddefinitions" in vcd.read_bytes()
    assert result.reports["waveforms"] == ["src/blinky_tb.vcd"] and result.reports["errors"] == 0
    assert result.summary == "Simulation passed; waveforms: src/blinky_tb.vcd"
    summary = SimulationSummary.model_validate_json((workdir / "summary.json").read_text())
    assert workdir / "summary.json" in result.artifacts
    assert summary.passed and summary.output_lines == 2 and summary.errors == summary.fatals == 0
    assert summary.simulated_time is not None and summary.simulated_time.seconds == pytest.approx(20e-9)
    assert str(summary.simulated_time) == "20 ns" and summary.sources == ["blinky.v", "tb/blinky_tb.v"]


def test_error_task_fails_the_job_but_keeps_the_waveform(workdir: Path, sink: RecordingSink) -> None:
    failing = TESTBENCH.replace(b"!= 10", b"!= 11").replace(b"expected 10", b"expected 11")
    with pytest.raises(FlowFailedWithResult) as failure:
        simulate({"blinky.v": BLINKY, "blinky_tb.v": failing}, workdir, sink)

    assert str(failure.value) == "simulation failed: ERROR: src/blinky_tb.v:12: expected 11, got 10"
    assert [path.name for path in failure.value.result.artifacts] == ["blinky_tb.vcd", "summary.json"]
    summary = SimulationSummary.model_validate_json((workdir / "summary.json").read_text())
    assert not summary.passed and summary.errors == 1 and summary.output_lines == 2


def test_fatal_task_fails_with_its_message(workdir: Path, sink: RecordingSink) -> None:
    bench = b"""module blinky_tb;
  initial begin $display("one"); #5 $fatal(1, "gave up at %0t", $time); end
endmodule
"""
    with pytest.raises(FlowError, match=r"^simulation failed: FATAL: src/blinky_tb.v:2: gave up at 5$"):
        simulate({"blinky_tb.v": bench}, workdir, sink)
    assert "one\n" in sink.output
    summary = SimulationSummary.model_validate_json((workdir / "summary.json").read_text())
    assert summary.fatals == 1 and summary.errors == 0 and summary.output_lines == 1


def test_compile_error_names_file_and_line(workdir: Path, sink: RecordingSink) -> None:
    bench = b"module blinky_tb;\n  reg a\n  initial a = 1;\nendmodule\n"
    with pytest.raises(FlowError, match=r"^compile failed: src/blinky_tb.v:3: syntax error$"):
        simulate({"blinky_tb.v": bench}, workdir, sink)
    assert sink.steps[-1] == "compile"


def test_unknown_top_module(workdir: Path, sink: RecordingSink) -> None:
    with pytest.raises(FlowError, match=r"compile failed: error: Unable to find the root module \"nope\""):
        simulate({"blinky.v": BLINKY}, workdir, sink, top="nope")


def test_readmemh_finds_project_files(workdir: Path, sink: RecordingSink) -> None:
    bench = b"""module blinky_tb;
  reg [7:0] mem [0:1];
  initial begin $readmemh("data/init.hex", mem); $display("mem=%h %h", mem[0], mem[1]); end
endmodule
"""
    simulate({"blinky_tb.v": bench, "data/init.hex": b"ab\ncd\n"}, workdir, sink)
    assert "mem=ab cd\n" in sink.output


def test_endless_simulation_times_out(workdir: Path, sink: RecordingSink) -> None:
    bench = b"module blinky_tb; initial forever #1; endmodule\n"
    with pytest.raises(FlowTimedOut, match=r"timed out after 2 s .*\$finish"):
        simulate({"blinky_tb.v": bench}, workdir, sink, job_timeout_s=2)


def test_config_timeout_wins_when_shorter(workdir: Path, sink: RecordingSink) -> None:
    bench = b"module blinky_tb; initial forever #1; endmodule\n"
    with pytest.raises(FlowTimedOut, match="timed out after 1 s"):
        simulate({"blinky_tb.v": bench}, workdir, sink, job_timeout_s=600, timeout_s=1)


def test_missing_iverilog_is_reported_at_once(
    workdir: Path, sink: RecordingSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("a6hub.adapters.flows.tools.find_tool", lambda name: None)
    with pytest.raises(FlowError) as failure:
        simulate({"blinky_tb.v": TESTBENCH}, workdir, sink)
    assert str(failure.value) == IVERILOG_MISSING
    assert sink.steps == ["initialization"]
