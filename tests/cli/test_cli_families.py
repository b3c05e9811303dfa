"""ECP5 and Gowin builds through a real hub and the ``a6hub`` command."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import DEMO, Cli, Hub


@pytest.mark.slow
def test_gowin_build_picks_the_cst_and_leaves_an_fs_bitstream(
    signed_in: Cli, cli_hub: Hub, tmp_path: Path
) -> None:
    names = ("blinky_tangnano9k.v", "tangnano9k.cst", "icebreaker.pcf")
    project = cli_hub.project({name: (DEMO / name).read_bytes() for name in names})
    top = ("--top", "blinky_tangnano9k", "--freq", "27")
    result = signed_in.run("build", project["slug"], "--flow", "gowin", *top, "--watch")

    assert result.code == 0, result.err
    assert result.err.splitlines()[0] == "Using pin constraints tangnano9k.cst (choose another with --pcf)."
    job_id = int(result.err.split("Started build job ")[1].split()[0])
    job = cli_hub.job(job_id)
    assert job["config"]["pcf"] == "tangnano9k.cst" and job["config"]["device"] == "GW1NR-LV9QN88PC6/I5"
    assert b"$ gowin_pack -d GW1N-9C -o design.fs design_routed.json" in result.out
    listed = signed_in.run("artifacts", str(job_id))
    assert "design.fs\t" in listed.text and "design_routed.json\t" in listed.text


def test_an_unknown_ecp5_package_is_refused_with_the_allowed_ones(signed_in: Cli, cli_hub: Hub) -> None:
    project = cli_hub.project({"blinky_ulx3s.v": (DEMO / "blinky_ulx3s.v").read_bytes()})
    argv = ("build", project["slug"], "--flow", "ecp5", "--device", "25k", "--package", "CABGA756")
    result = signed_in.run(*argv)

    assert result.code != 0
    assert "config.package: ECP5 device 25k comes in CABGA381, CABGA256, CSFBGA285, TQFP144" in result.err
