"""The summary tables `a6hub watch` prints, rendered without a hub."""

from __future__ import annotations

from rich.console import Console

from a6hub.cli.summary_view import render_summary
from a6hub.client.http import SUMMARY
from a6hub.client.models import BuildSummary, SimulationSummary


def rendered(summary: BuildSummary | SimulationSummary) -> str:
    console = Console(width=100, record=True, file=None, force_terminal=False)
    with console.capture() as captured:
        console.print(render_summary(summary))
    return captured.get()


def test_a_build_shows_used_resources_fmax_against_target_and_counts() -> None:
    summary = SUMMARY.validate_python(
        {
            "kind": "build",
            "flow": "ice40",
            "device": "up5k",
            "package": "sg48",
            "top": "blinky",
            "utilization": {
                "ICESTORM_LC": {"used": 29, "available": 5280, "percent": 0},
                "ICESTORM_RAM": {"used": 0, "available": 30, "percent": 0},
            },
            "clocks": [
                {"clock": "clk", "achieved_mhz": 73.24, "target_mhz": 12.0, "passed": True},
                {"clock": "fast", "achieved_mhz": 40.0, "target_mhz": 50.0, "passed": False},
            ],
            "cells": {"SB_DFF": 26, "SB_LUT4": 3},
            "warnings": 1,
            "errors": 0,
            "sources": ["blinky.v", "uart.v"],
            "a_field_from_a_newer_hub": True,
        }
    )
    text = rendered(summary)
    assert "ice40 build · up5k/sg48 · blinky" in text
    assert "ICESTORM_LC  29    5280" in text and "ICESTORM_RAM" not in text
    assert "clk    73.2" in text and "PASS" in text and "fast" in text and "FAIL" in text
    assert "29 cells · 1 warning · 0 errors" in text
    assert "sources, in this order: blinky.v uart.v" in text


def test_a_simulation_shows_its_counts_and_the_simulated_time() -> None:
    summary = SUMMARY.validate_python(
        {
            "kind": "simulation",
            "top": "tb",
            "passed": True,
            "output_lines": 3,
            "simulated_time": {"value": 83334000, "unit": "1ps", "seconds": 83.334e-6},
        }
    )
    text = rendered(summary)
    assert "simulation · tb passed" in text
    assert "3 output lines · 0 $error · 0 $fatal · 0 warnings · simulated time 83.33 us" in text
    assert "sources" not in text, "no line for an unknown source order"
