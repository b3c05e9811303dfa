"""The ecp5 and gowin flows, run with the real YoWASP yosys and nextpnr, ecppack and gowin_pack."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from tests.flows.flowkit import RecordingSink, sources

from a6hub.adapters.flows import run_flow
from a6hub.domain.job_config import BuildConfig
from a6hub.domain.jobs import FLOWS, JobType

pytestmark = pytest.mark.slow


def demo(*names: str) -> dict[str, bytes]:
    return {name: resources.files("a6hub.demo").joinpath(name).read_bytes() for name in names}


def build(config: dict[str, Any], files: dict[str, bytes], workdir: Path, sink: RecordingSink) -> Any:
    return run_flow(
        JobType.BUILD, BuildConfig.model_validate(config), sources(files), workdir, sink, timeout_s=300
    )


def assert_progress_sane(sink: RecordingSink, flow: str) -> None:
    assert sink.steps == FLOWS[flow].step_names
    for step, fractions in sink.progress.items():
        assert fractions == sorted(fractions), step
        assert all(0.0 <= fraction <= 1.0 for fraction in fractions), step
    for step in ("synthesis", "place_route"):
        assert any(0.0 < fraction < 1.0 for fraction in sink.progress[step]), sink.progress[step]


def test_ecp5_blinky_for_the_ulx3s_builds_a_bit_file(workdir: Path, sink: RecordingSink) -> None:
    config = {"flow": "ecp5", "top": "blinky_ulx3s", "device": "85k", "pcf": "ulx3s.lpf", "frequency_mhz": 25}
    result = build(config, demo("blinky_ulx3s.v", "ulx3s.lpf"), workdir, sink)

    assert_progress_sane(sink, "ecp5")
    bitstream = workdir / "design.bit"
    assert result.artifacts[0] == bitstream and bitstream.stat().st_size > 0
    assert {path.name for path in result.artifacts} >= {"design.config", "design.json", "reports.json"}
    assert result.reports["package"] == "CABGA381"
    utilization = result.reports["utilization"]
    assert utilization["TRELLIS_FF"]["used"] >= 28 and utilization["TRELLIS_COMB"]["available"] > 80_000
    assert utilization["TRELLIS_IO"]["used"] == 9
    clock = result.reports["clocks"][0]
    assert clock["clock"] == "clk_25mhz" and clock["target_mhz"] == 25.0 and clock["passed"]
    output = sink.output
    assert "Executing SYNTH_LATTICE pass" in output  # synth_ecp5 is synth_lattice -family ecp5
    assert "$ yowasp-ecppack --compress design.config design.bit" in output
    assert "Max frequency for clock 'clk_25mhz':" in output and "TRELLIS_COMB: " in output
    assert result.summary.startswith("85k/CABGA381: ") and " LUTs (" in result.summary


def test_gowin_blinky_for_the_tang_nano_9k_builds_an_fs_file(workdir: Path, sink: RecordingSink) -> None:
    config = {"flow": "gowin", "top": "blinky_tangnano9k", "pcf": "tangnano9k.cst", "frequency_mhz": 27}
    result = build(config, demo("blinky_tangnano9k.v", "tangnano9k.cst"), workdir, sink)

    assert_progress_sane(sink, "gowin")
    bitstream = workdir / "design.fs"
    assert result.artifacts[0] == bitstream
    assert set(bitstream.read_text(encoding="ascii").splitlines()[-1]) <= {"0", "1"}
    assert {path.name for path in result.artifacts} >= {"design_routed.json", "reports.json"}
    assert (result.reports["device"], result.reports["package"]) == ("GW1NR-LV9QN88PC6/I5", "QN88P")
    assert result.reports["utilization"]["IOB"]["used"] == 7
    clock = result.reports["clocks"][0]
    assert clock["clock"] == "clk" and clock["target_mhz"] == 27.0 and clock["passed"]
    output = sink.output
    assert "Executing SYNTH_GOWIN pass" in output and "$ gowin_pack -d GW1N-9C -o design.fs" in output
    assert result.summary.startswith("GW1NR-LV9QN88PC6/I5/QN88P: ")
