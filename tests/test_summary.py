"""Job summaries: counting tools' messages, reading the simulated time, building the models."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter

from a6hub.domain.summary import (
    BuildSummary,
    JobSummary,
    MessageCounter,
    SimulationOutput,
    SimulationSummary,
    build_summary,
    human_time,
    simulated_time,
    simulation_summary,
    vcd_end_time,
)

NEXTPNR_AND_YOSYS = """\
Info: Packing constants..
Warning: unmatched constraint 'led_blue' (on line 3)
Warning: No clock constraint on net 'clk'
src/top.v:4: Warning: Identifier `x' is implicitly declared.
ERROR: Max frequency for clock 'clk': 50.00 MHz (FAIL at 900.00 MHz)
Info: Warnings: 3 unique messages, 3 total
"""

VVP = """\
VCD info: dumpfile blinky_tb.vcd opened for output.
starting
WARNING: src/tb.v:9: slow
         Time: 5000 Scope: tb
ERROR: src/tb.v:10: expected 10
       Time: 5000 Scope: tb
FATAL: src/tb.v:11: gave up
       Time: 5000 Scope: tb
counter is 10
src/tb.v:12: $finish called at 1234000 (1ps)
"""


def test_counter_counts_distinct_warning_and_error_lines_in_any_batch() -> None:
    counter = MessageCounter()
    lines = NEXTPNR_AND_YOSYS.splitlines(keepends=True)
    counter.feed("".join(lines[:2]))
    counter.feed("".join(lines[2:]))
    assert (counter.warnings, counter.errors) == (3, 1)
    counter.feed(
        "src/a.v:3: warning: implicit net\nsrc/a.v:4: error: unknown module\nsrc/b.v:1: syntax error\n"
    )
    assert (counter.warnings, counter.errors) == (4, 3)
    counter.feed("Warning: No clock constraint on net 'clk'\nsrc/b.v:1: syntax error\n")
    assert (counter.warnings, counter.errors) == (4, 3), "a line seen before is not counted again"


def test_simulation_output_tells_display_lines_from_vvps_own() -> None:
    output = SimulationOutput()
    for line in VVP.splitlines(keepends=True):
        output.feed(line)
    assert (output.output_lines, output.errors, output.fatals) == (2, 1, 1)
    assert output.end is not None and (output.end.value, output.end.unit) == (1234000, "1ps")
    assert output.end.seconds == pytest.approx(1.234e-6) and str(output.end) == "1.234 us"


@pytest.mark.parametrize(
    ("line", "seconds"),
    [
        ("tb.v:3: $finish called at 20 (1s)", 20.0),
        ("tb.v:3: $stop called at 7 (10ns)", 70e-9),
        ("tb.v:3: $finish called at 0 (1fs)", 0.0),
    ],
)
def test_simulated_time_with_its_unit(line: str, seconds: float) -> None:
    found = simulated_time(line)
    assert found is not None and found.seconds == pytest.approx(seconds)
    assert simulated_time("no finish here") is None


def test_vcd_end_time_reads_the_last_timestamp_in_the_timescale() -> None:
    head = "$date today $end\n$timescale\n\t1ps\n$end\n$scope module tb $end\n"
    found = vcd_end_time(head, 'b1 !\n#19000\n1"\n#20000\n')
    assert found is not None and (found.value, found.unit, str(found)) == (20000, "1ps", "20 ns")
    assert vcd_end_time(head, "b1 !\n") is None and vcd_end_time("", "#5\n") is None


def test_human_time_picks_a_readable_unit() -> None:
    assert [human_time(s) for s in (0.0, 2.0, 0.0015, 41.667e-9, 3e-15)] == [
        "0 s",
        "2 s",
        "1.5 ms",
        "41.67 ns",
        "3 fs",
    ]


def test_build_summary_from_reports_and_counts() -> None:
    counter = MessageCounter()
    counter.feed("Warning: one\n")
    reports = {
        "flow": "ice40",
        "device": "up5k",
        "package": "sg48",
        "top": "blinky",
        "sources": ["blinky.v"],
        "cells": {"SB_DFF": 26},
        "utilization": {"ICESTORM_LC": {"used": 29, "available": 5280, "percent": 0}},
        "clocks": [
            {"clock": "clk", "net": "clk$SB_IO_IN", "achieved_mhz": 73.2, "target_mhz": 12.0, "passed": True},
            {"clock": "fast", "net": "fast", "achieved_mhz": 40.0, "target_mhz": 50.0, "passed": False},
        ],
    }
    summary = build_summary(reports, counter)
    assert summary.utilization["ICESTORM_LC"].used == 29 and summary.timing_met is False
    assert (summary.warnings, summary.errors, summary.cells) == (1, 0, {"SB_DFF": 26})
    assert build_summary({"flow": "synth"}, MessageCounter()).timing_met is None


def test_summaries_round_trip_through_json_by_kind() -> None:
    adapter: TypeAdapter[BuildSummary | SimulationSummary] = TypeAdapter(JobSummary)
    build = BuildSummary(flow="synth", cells={"SB_LUT4": 3})
    simulation = simulation_summary({"waveforms": ["tb.vcd"]}, SimulationOutput(), MessageCounter(), top="tb")
    assert adapter.validate_json(build.model_dump_json()) == build
    assert adapter.validate_json(simulation.model_dump_json()) == simulation
    assert simulation.passed and simulation.simulated_time is None
