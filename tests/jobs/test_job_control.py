"""Cancel, timeouts, simulations and a killed worker: every job ends, and says how."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from a6hub.config import Settings
from tests.designs import ENDLESS_TB, FAILING_TB
from tests.jobs.conftest import JobHub, demo_files
from tests.jobs.test_build_jobs import assert_well_formed
from tests.servers import worker_process


@pytest.mark.slow
def test_passing_simulation_streams_display_lines_and_keeps_the_vcd(job_hub: JobHub) -> None:
    project = job_hub.project(demo_files("blinky.v", "blinky_tb.v"))
    job = job_hub.start(project, "simulation", top="blinky_tb")
    finished = job_hub.wait(project, job["id"])
    assert finished["status"] == "completed", finished["error_message"]
    events = job_hub.events(project, job["id"])
    assert_well_formed(events, "completed")
    assert [e["data"]["step_name"] for e in events if e["type"] == "step"] == [
        "initialization",
        "verilog_copy",
        "compile",
        "run",
        "reports",
    ]
    assert "PASS: counter = 1000" in job_hub.log(project, job["id"])
    names = {
        a["name"] for a in job_hub.client.get(f"/api/v1/projects/{project}/jobs/{job['id']}/artifacts").json()
    }
    assert "blinky_tb.vcd" in names
    summary = job_hub.client.get(f"/api/v1/projects/{project}/jobs/{job['id']}/summary").json()
    assert summary["kind"] == "simulation" and summary["passed"] and summary["output_lines"] >= 1
    assert summary["errors"] == summary["fatals"] == 0 and summary["waveforms"] == ["src/blinky_tb.vcd"]
    assert summary["simulated_time"]["unit"] == "1ps" and summary["simulated_time"]["seconds"] > 80e-6


@pytest.mark.slow
def test_failing_testbench_fails_the_job_with_its_message(job_hub: JobHub) -> None:
    project = job_hub.project({"failing_tb.v": FAILING_TB})
    job = job_hub.start(project, "simulation", top="failing_tb")
    finished = job_hub.wait(project, job["id"])
    assert finished["status"] == "failed"
    assert "1 + 1 is not 3" in finished["error_message"]
    assert_well_formed(job_hub.events(project, job["id"]), "failed")
    assert "checking the adder" in job_hub.log(project, job["id"])


@pytest.mark.slow
def test_a_simulation_past_its_timeout_is_killed(job_hub: JobHub) -> None:
    project = job_hub.project({"endless_tb.v": ENDLESS_TB})
    job = job_hub.start(project, "simulation", top="endless_tb", timeout_s=2)
    finished = job_hub.wait(project, job["id"], timeout_s=60)
    assert finished["status"] == "failed"
    assert "timed out" in finished["error_message"]
    assert_well_formed(job_hub.events(project, job["id"]), "failed")


@pytest.mark.slow
def test_cancel_stops_a_running_job_and_a_queued_one(job_hub: JobHub) -> None:
    project = job_hub.project({"endless_tb.v": ENDLESS_TB})
    running = [job_hub.start(project, "simulation", top="endless_tb", timeout_s=600) for _ in range(2)]
    queued = job_hub.start(project, "simulation", top="endless_tb", timeout_s=600)  # worker runs 2 at once
    for job in running:
        job_hub.wait_for_status(project, job["id"], "running")
    early = job_hub.client.get(f"/api/v1/projects/{project}/jobs/{running[0]['id']}/summary")
    assert early.status_code == 404 and "no summary yet: it is running" in early.json()["detail"]
    cancel_queued = job_hub.client.delete(f"/api/v1/projects/{project}/jobs/{queued['id']}")
    assert cancel_queued.json()["status"] == "cancelled"
    for job in running:
        assert job_hub.client.post(f"/api/v1/projects/{project}/jobs/{job['id']}/cancel").status_code == 200
    for job in [*running, queued]:
        finished = job_hub.wait(project, job["id"], timeout_s=30)
        assert finished["status"] == "cancelled"
        events = job_hub.events(project, job["id"])
        assert (
            events[-1] == {**events[-1], "type": "complete"} and events[-1]["data"]["status"] == "cancelled"
        )
    assert [e["type"] for e in job_hub.events(project, queued["id"])] == ["status", "complete"]
    gone = job_hub.client.get(f"/api/v1/jobs/{queued['id']}/summary")
    assert gone.status_code == 404 and "cancelled before it wrote a summary" in gone.json()["detail"]
    time.sleep(1.5)
    assert job_hub.job(project, queued["id"])["status"] == "cancelled", (
        "the worker must not run a cancelled job"
    )


@pytest.mark.slow
def test_a_killed_worker_fails_its_job_and_the_next_job_runs(job_settings: Settings, tmp_path: Path) -> None:
    from tests.jobs.conftest import start_hub

    env = {"A6HUB_WORKER_HEARTBEAT_S": "1.0", "A6HUB_WORKER_LOST_AFTER_S": "6.0"}
    for job_hub in start_hub(job_settings, tmp_path, env):
        project = job_hub.project({"endless_tb.v": ENDLESS_TB, **demo_files("blinky.v", "blinky_tb.v")})
        doomed = job_hub.start(project, "simulation", top="endless_tb", timeout_s=600)
        job_hub.wait_for_status(project, doomed["id"], "running")
        for pid in _worker_pids(tmp_path):
            os.killpg(pid, signal.SIGKILL)
        finished = job_hub.wait(project, doomed["id"], timeout_s=60)
        assert finished["status"] == "failed"
        assert "stopped responding" in finished["error_message"]
        assert_well_formed(job_hub.events(project, doomed["id"]), "failed")
        with worker_process(job_settings, tmp_path / "worker2.log", extra_env=env):
            after = job_hub.start(project, "simulation", top="blinky_tb")
            assert job_hub.wait(project, after["id"])["status"] == "completed"


def _worker_pids(tmp_path: Path) -> list[int]:
    """Process groups of the worker started by ``start_hub`` (found by its command line)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        ours = b"worker" in cmdline and b"a6hub" in b" ".join(cmdline) and str(tmp_path).encode() in environ
        if ours and os.getpgid(int(entry.name)) == int(entry.name):
            pids.append(int(entry.name))
    assert pids, "the worker process was not found"
    return pids
