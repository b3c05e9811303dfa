"""CI's run of the benchmark harness: a tiny configuration, nothing lost asserted, never speed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from bench.scenarios import Row

from bench import report as bench_report

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
    assert all(row["failed"] is None for row in report["rows"])


def test_a_scenario_that_did_not_finish_is_reported_and_fails_the_targets(tmp_path: Path) -> None:
    stuck = Row("S4", "reconnect storm", "a6hub, 1 process", "as S1", connections=5000)
    stuck.failed = "ChildError: loadgen0: no reply within 300 s"
    env = {
        "date": "today",
        "commit": "abc",
        "cpu": "cpu",
        "cores": 2,
        "memory_gib": 1,
        "kernel": "k",
        "python": "3.11",
        "versions": {"uvicorn": "u", "starlette": "s", "websockets": "w", "picows": "p"},
        "redis_server": "7",
        "load_before": [0, 0, 0],
        "load_after": [0, 0, 0],
    }
    md_path, json_path = bench_report.write(tmp_path, "full", [stuck], env, full_size=True)
    text = md_path.read_text()
    assert "**Did not finish**: ChildError: loadgen0: no reply within 300 s." in text
    assert "| S4 all 5,000 caught up ≤ 20 s, nothing lost or repeated | not all caught up | **no** |" in text
    assert "did not finish: S4" in text
    saved = json.loads(json_path.read_text())
    assert saved["rows"][0]["failed"].startswith("ChildError")
    assert [t["met"] for t in saved["targets"]] == [False, False]
