"""Pure parts of the flows: line splitting, progress, tool output parsing, source checks."""

from __future__ import annotations

import pytest
from tests.flows.flowkit import RecordingSink

from a6hub.adapters.flows import FlowError
from a6hub.adapters.flows.lines import MAX_LINE_BYTES, LineBuffer
from a6hub.adapters.flows.nextpnr import NextpnrWatcher
from a6hub.adapters.flows.progress import StepProgress, approach, interpolate
from a6hub.adapters.flows.sources import check_includes, is_testbench
from a6hub.adapters.flows.yosys import YosysWatcher, synthesis_script

NEXTPNR_SAMPLE = """\
Info: Packing constants..
Info: Device utilisation:
Info: Creating initial analytic placement for 2242 cells, random placement wirelen = 92309.
Info:     at initial placer iter 0, wirelen = 3331
Info: Running main analytical placer, max placement attempts per cell = 1743778.
Info:     at iteration #1, type ALL: wirelen solved = 3007, spread = 56713, legal = 57718; time = 0.19s
Info:     at iteration #22, type ALL: wirelen solved = 5908, spread = 18091, legal = 20444; time = 0.12s
Info: HeAP Placer Time: 4.01s
Info: Running simulated annealing placer for refinement.
Info:   at iteration #1: temp = 0.000000, timing cost = 2128, wirelen = 19938
Info:   at iteration #23: temp = 0.000000, timing cost = 1920, wirelen = 13551
Info: SA placement time 5.75s
Info: Routing..
Info: Routing 9911 arcs.
Info:            |   (re-)routed arcs  |   delta    | remaining|       time spent     |
Info:    IterCnt |  w/ripup   wo/ripup |  w/r  wo/r |      arcs| batch(sec) total(sec)|
Info:       1000 |       57        942 |   57   942 |      8970|       0.42       0.42|
Info:       7000 |     1274       4456 |  343   657 |      4279|       0.23       1.50|
Info:      13379 |     3191       8892 |   74   306 |         0|       0.17       2.97|
Info: Routing complete.
Info: Program finished normally.
"""


def fractions_of(watcher_type: type[YosysWatcher] | type[NextpnrWatcher], lines: list[str]) -> list[float]:
    sink = RecordingSink()
    sink.step_started("step")
    watcher = watcher_type(StepProgress(sink))
    for line in lines:
        watcher.feed(line)
    return sink.progress["step"]


def test_line_buffer_returns_whole_lines_only() -> None:
    lines = LineBuffer()
    assert lines.feed(b"one\ntw") == "one\n"
    assert lines.feed(b"o\nthr") == "two\n"
    assert lines.feed("\u00e9\n".encode()[:1]) == ""
    assert lines.feed("\u00e9\n".encode()[1:]) == "thr\u00e9\n"
    assert lines.feed(b"last") == ""
    assert lines.flush() == "last\n"
    assert lines.flush() == ""


def test_line_buffer_cuts_endless_lines() -> None:
    lines = LineBuffer()
    assert lines.feed(b"x" * (MAX_LINE_BYTES - 1)) == ""
    assert lines.feed(b"xx") == "x" * (MAX_LINE_BYTES + 1) + "\n"


def test_progress_is_clamped_monotone_and_throttled() -> None:
    sink = RecordingSink()
    sink.step_started("step")
    progress = StepProgress(sink)
    for fraction in (-1.0, 0.2, 0.1, 0.205, 0.5, 2.0, 1.0):
        progress.at(fraction)
    assert sink.progress["step"] == [0.2, 0.5, 1.0]


def test_progress_shapes() -> None:
    anchors = ((1.0, 0.0), (3.0, 0.5), (4.0, 1.0))
    assert [interpolate(x, anchors) for x in (0, 1, 2, 3, 3.5, 9)] == [0.0, 0.0, 0.25, 0.5, 0.75, 1.0]
    assert approach(0.2, 0.4, 10, 10) == pytest.approx(0.3)
    assert approach(0.2, 0.4, 10**9, 10) < 0.4


def test_nextpnr_phases_rise_steadily() -> None:
    fractions = fractions_of(NextpnrWatcher, NEXTPNR_SAMPLE.splitlines(keepends=True))
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert len(fractions) >= 12
    routing = [fraction for fraction in fractions if 0.58 < fraction < 0.93]
    assert len(routing) == 3  # the router's progress, from the arcs still to route


def test_yosys_pass_headers_rise_steadily() -> None:
    headers = ["1. Executing Verilog-2005 frontend: src/a.v\n", "2. Executing SYNTH_ICE40 pass.\n"]
    headers += [f"2.{number}. Executing PASS.\n" for number in range(1, 53)]
    headers += ["2.43.14. Executing AIGMAP pass.\n", "3. Printing statistics.\n", "End of script.\n"]
    fractions = fractions_of(YosysWatcher, headers)
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert sum(0.05 < fraction < 0.95 for fraction in fractions) > 20


def test_yosys_watcher_keeps_the_first_error_and_the_top() -> None:
    sink = RecordingSink()
    watcher = YosysWatcher(StepProgress(sink))
    watcher.feed("Top module:  \\blinky\nsrc/a.v:3: ERROR: syntax error\nERROR: later\n")
    assert watcher.top == "blinky"
    assert watcher.error_line == "src/a.v:3: ERROR: syntax error"


def test_yosys_script_quotes_files_and_refuses_odd_names() -> None:
    script = synthesis_script(["src/a b.v", "src/c.sv"], top=None, device="up5k")
    assert script.splitlines() == [
        'read_verilog -sv -Isrc "src/a b.v" "src/c.sv"',
        "synth_ice40 -device u -json design.json",
        "tee -q -o yosys_stat.json stat -json",
    ]
    assert "synth_ice40 -device hx -top top" in synthesis_script(["src/a.v"], top="top", device="hx8k")
    with pytest.raises(FlowError, match="has characters yosys cannot read"):
        synthesis_script(['src/a";b.v'], top=None, device="up5k")


@pytest.mark.parametrize(
    "line",
    [
        b'`include "/etc/passwd"',
        b'`include  "../up.vh"',
        b'`include "a/../../b.vh"',
        b"`include </etc/shadow>",
        b"`include `HEADER",
        b'`include "c:\\\\x.vh"',
    ],
)
def test_includes_that_could_leave_the_project_are_rejected(line: bytes) -> None:
    with pytest.raises(FlowError, match=r"^top.v: `include"):
        check_includes("top.v", b"module top; endmodule\n" + line + b"\n")


def test_harmless_includes_pass() -> None:
    check_includes(
        "top.v",
        b'`include "defs.vh"\n`include "common/x.vh" // `include "/etc/passwd"\n'
        b'/* `include "/etc/passwd" */\n$display("`include /etc/passwd");\n',
    )


def test_testbench_names() -> None:
    assert all(map(is_testbench, ["tb/top.v", "top_tb.v", "tb_top.sv", "sim/x.v", "TestBench.v"]))
    assert not any(map(is_testbench, ["top.v", "tbuf.v", "rtl/stable.v", "contest.v"]))
