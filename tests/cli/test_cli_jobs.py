"""Builds and simulations from the real ``a6hub`` process: watch to the end, exit codes, logs, artifacts."""

from __future__ import annotations

import hashlib
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.cli.conftest import DEMO, Cli, Hub, cli_argv
from tests.designs import FAILING_TB, ticking_tb


def _wait_for_text(path: Path, text: bytes, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while text not in path.read_bytes():
        assert time.monotonic() < deadline, f"{text!r} never appeared in {path}: {path.read_bytes()[-500:]!r}"
        time.sleep(0.1)


def _background(cli: Cli, out: Path, *args: str) -> subprocess.Popen[bytes]:
    with out.open("wb") as sink:
        return subprocess.Popen([*cli_argv(), *args], stdout=sink, stderr=subprocess.PIPE, env=cli.env)


@pytest.mark.slow
def test_build_watch_runs_to_completion_and_prints_exactly_the_log(
    signed_in: Cli, cli_hub: Hub, tmp_path: Path
) -> None:
    project = cli_hub.project({name: (DEMO / name).read_bytes() for name in ("blinky.v", "icebreaker.pcf")})
    slug = project["slug"]
    result = signed_in.run(
        "build", slug, "--top", "blinky", "--device", "up5k", "--package", "sg48", "--watch"
    )
    assert result.code == 0, result.err
    job_id = int(result.err.split("Started build job ")[1].split()[0])
    assert result.out == cli_hub.log(job_id)
    assert b"SB_LUT4" in result.out
    lines = result.err.strip().splitlines()
    assert lines[0] == "Using pin constraints icebreaker.pcf (choose another with --pcf)."
    assert "ice40 build · up5k/sg48 · blinky" in result.err and "ICESTORM_LC " in result.err
    assert re.search(r"\bclk +[\d.]+ +12\.0 +PASS", result.err), result.err
    assert re.search(r"\d+ cells · \d+ warnings? · 0 errors", result.err), result.err
    assert lines[-1].startswith(f"job {job_id} (build) completed in ")
    assert lines[-1].endswith(": Build completed successfully")
    assert cli_hub.job(job_id)["config"]["pcf"] == "icebreaker.pcf"

    listing = signed_in.run("jobs", slug)
    assert listing.text.startswith(f"{job_id}\tbuild\tcompleted\t100%\treports\t")
    assert signed_in.run("logs", str(job_id)).out == result.out
    again = signed_in.run("watch", str(job_id))
    assert (again.code, again.out) == (0, result.out)

    listed = signed_in.run("artifacts", str(job_id))
    assert "design.bin\t" in listed.text
    saved = signed_in.run("artifacts", str(job_id), "--download", str(tmp_path / "out"))
    assert saved.code == 0, saved.err
    bitstream = tmp_path / "out" / "design.bin"
    assert str(bitstream) in saved.text.splitlines()
    artifacts = cli_hub.api.get(f"/api/v1/projects/{project['id']}/jobs/{job_id}/artifacts").json()
    digest = next(a["sha256"] for a in artifacts if a["name"] == "design.bin")
    assert hashlib.sha256(bitstream.read_bytes()).hexdigest() == digest


@pytest.mark.slow
def test_a_failing_design_exits_1_with_the_reason(signed_in: Cli, cli_hub: Hub) -> None:
    project = cli_hub.project({"failing_tb.v": FAILING_TB})
    result = signed_in.run("simulate", str(project["id"]), "--top", "failing_tb", "--watch")
    assert result.code == 1, result.err
    job_id = int(result.err.split("Started simulation job ")[1].split()[0])
    assert result.out == cli_hub.log(job_id)
    assert b"checking the adder" in result.out
    summary = result.err.strip().splitlines()[-1]
    assert summary.startswith(f"job {job_id} (simulation) failed in ")
    assert "1 + 1 is not 3" in summary
    assert "simulation · failing_tb failed" in result.err
    assert "1 output line · 1 $error · 0 $fatal · 0 warnings · simulated time unknown" in result.err, (
        result.err
    )


def test_a_refused_config_is_one_line(signed_in: Cli, cli_hub: Hub) -> None:
    project = cli_hub.project({"blinky.v": (DEMO / "blinky.v").read_bytes()})
    result = signed_in.run("build", project["slug"], "--top", "nope")
    assert result.code == 2
    assert result.err.strip() == "a6hub: the hub refused: config.top: no module named 'nope' in blinky.v"


@pytest.mark.slow
def test_ctrl_c_stops_watching_not_the_job_and_cancel_exits_3(
    signed_in: Cli, cli_hub: Hub, tmp_path: Path
) -> None:
    project = cli_hub.project({"endless_tb.v": ticking_tb("endless_tb", None)})
    started = signed_in.run("simulate", project["slug"], "--top", "endless_tb")
    assert started.code == 0, started.err
    job_id = int(started.text)

    first = _background(signed_in, tmp_path / "first.txt", "watch", str(job_id))
    _wait_for_text(tmp_path / "first.txt", b"tick 2\n")
    first.send_signal(signal.SIGINT)
    assert first.wait(timeout=20) == 130
    assert first.stderr is not None
    assert f"stopped watching; job {job_id} goes on" in first.stderr.read().decode()
    first.stderr.close()
    time.sleep(0.5)
    assert cli_hub.job(job_id)["status"] == "running"

    watcher = _background(signed_in, tmp_path / "watch.txt", "watch", str(job_id))
    follower = _background(signed_in, tmp_path / "follow.txt", "logs", str(job_id), "--follow")
    _wait_for_text(tmp_path / "watch.txt", b"tick 4\n")
    cancelled = signed_in.run("cancel", str(job_id))
    assert cancelled.code == 0, cancelled.err
    assert cancelled.err.startswith(f"Job {job_id} ")
    assert watcher.wait(timeout=60) == 3
    assert follower.wait(timeout=60) == 0
    for process in (watcher, follower):
        assert process.stderr is not None
        process.stderr.close()
    log = cli_hub.log(job_id)
    assert (tmp_path / "watch.txt").read_bytes() == log
    assert (tmp_path / "follow.txt").read_bytes() == log
    assert cli_hub.job(job_id)["status"] == "cancelled"
    assert signed_in.run("watch", str(job_id)).code == 3
    assert "already cancelled" in signed_in.run("cancel", str(job_id)).err
