"""CI's run of the benchmark harness: a tiny configuration, nothing lost asserted, never speed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = {"S1", "B1", "S2", "B2", "S3", "S4", "S5"}


@pytest.mark.slow
def test_the_benchmark_harness_runs_every_scenario_and_loses_nothing(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert (tmp_path / "smoke.md").read_text().startswith("# a6hub gateway benchmark (smoke)")
    report = json.loads((tmp_path / "smoke.json").read_text())
    rows = {row["id"]: row for row in report["rows"]}
    assert set(rows) >= SCENARIOS
    for row in report["rows"]:
        assert (row["lost"], row["duplicated"], row["out_of_order"]) == (0, 0, 0), row
        assert row["sockets_checked"] > 0 and row["connections"] > 0, row
    assert rows["S3"]["extra"]["every_line_everywhere"] is True
    assert rows["S4"]["extra"]["caught_up"] == rows["S4"]["connections"]
    assert report["environment"]["cores"] >= 1
