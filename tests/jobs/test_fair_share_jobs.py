"""Fair share on a real hub: a user's third job waits for a free place while others' jobs run;
a job's artifacts stay within their limits; the log is stored once (and still downloadable)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from a6hub.adapters.db.engine import Database
from a6hub.adapters.db.models import JobArtifact
from a6hub.config import Settings
from tests.designs import ENDLESS_TB
from tests.jobs.conftest import JobHub, start_hub
from tests.servers import worker_process

DUMPS_TB = b"""module dumps_tb;
    integer f, i;
    initial begin
        f = $fopen("a.vcd", "w"); $fdisplay(f, "small"); $fclose(f);
        f = $fopen("b.vcd", "w"); $fdisplay(f, "small"); $fclose(f);
        f = $fopen("big.vcd", "w");
        for (i = 0; i < 1000; i = i + 1) $fdisplay(f, "0123456789");
        $fclose(f);
        f = $fopen("c.vcd", "w"); $fdisplay(f, "small"); $fclose(f);
        $display("dumped");
        $finish;
    end
endmodule
"""
LIMITS = {
    "A6HUB_MAX_RUNNING_JOBS_PER_USER": "2",
    "A6HUB_MAX_ARTIFACTS_PER_JOB": "3",
    "A6HUB_MAX_ARTIFACT_BYTES_PER_JOB": "4096",
    "A6HUB_WORKER_HEARTBEAT_S": "1.0",
}


@pytest.fixture
def fair_hub(job_settings: Settings, tmp_path: Path) -> Iterator[JobHub]:
    """The API (with ``start_hub``'s worker of 2) and a second worker: 4 places for jobs."""
    for hub in start_hub(job_settings, tmp_path, LIMITS):
        with worker_process(job_settings, tmp_path / "worker2.log", concurrency=2, extra_env=LIMITS):
            yield hub


def _sign_up(client: httpx.Client) -> None:
    account = {"email": "o@example.com", "username": "other", "password": "pass-word-2"}
    client.post("/api/v1/auth/register", json=account).raise_for_status()
    token = client.post("/api/v1/auth/login", json=account).json()["access_token"]
    client.headers["Authorization"] = f"Bearer {token}"


def _until(condition: str, check: Callable[[], bool], timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, f"never: {condition}"
        time.sleep(0.2)


@pytest.mark.slow
def test_a_users_third_job_waits_while_two_run_and_others_jobs_go_ahead(fair_hub: JobHub) -> None:
    hub = fair_hub
    project = hub.project({"endless_tb.v": ENDLESS_TB})
    mine = [hub.start(project, "simulation", top="endless_tb", timeout_s=600)["id"] for _ in range(3)]

    def statuses() -> list[str]:
        return [hub.job(project, job)["status"] for job in mine]

    _until("two of my jobs run", lambda: statuses().count("running") == 2)
    [waiting] = [job for job, status in zip(mine, statuses(), strict=True) if status == "pending"]
    _until("the waiting job says why", lambda: "A6HUB_MAX_RUNNING_JOBS_PER_USER" in hub.log(project, waiting))
    assert "you have 2 jobs running and the limit is 2 per user" in hub.log(project, waiting)

    with httpx.Client(base_url=hub.base, timeout=30) as other:
        _sign_up(other)
        theirs = other.post("/api/v1/projects", json={"name": "theirs"}).json()["id"]
        other.put(f"/api/v1/projects/{theirs}/files/endless_tb.v", content=ENDLESS_TB).raise_for_status()
        job = other.post(
            f"/api/v1/projects/{theirs}/jobs",
            json={"job_type": "simulation", "config": {"top": "endless_tb", "timeout_s": 600}},
        ).json()["id"]
        _until(
            "the other user's job runs",
            lambda: other.get(f"/api/v1/jobs/{job}").json()["status"] == "running",
        )
        assert statuses().count("running") == 2 and hub.job(project, waiting)["status"] == "pending"
        other.post(f"/api/v1/projects/{theirs}/jobs/{job}/cancel").raise_for_status()

    [ending, staying] = [job for job in mine if job != waiting]
    hub.client.post(f"/api/v1/projects/{project}/jobs/{ending}/cancel").raise_for_status()
    hub.wait_for_status(project, waiting, "running")
    assert statuses().count("running") == 2
    for job in (staying, waiting):
        hub.client.post(f"/api/v1/projects/{project}/jobs/{job}/cancel").raise_for_status()
    for job in mine:
        assert hub.wait(project, job, timeout_s=60)["status"] == "cancelled"


@pytest.mark.slow
def test_artifacts_past_a_jobs_limits_fail_it_and_the_log_is_stored_once(fair_hub: JobHub) -> None:
    hub = fair_hub
    project = hub.project({"dumps_tb.v": DUMPS_TB})
    job = hub.start(project, "simulation", top="dumps_tb")["id"]
    finished = hub.wait(project, job)
    assert finished["status"] == "failed"
    for limit in ("3 files per job (A6HUB_MAX_ARTIFACTS_PER_JOB)", "A6HUB_MAX_ARTIFACT_BYTES_PER_JOB"):
        assert limit in finished["error_message"]
    log = hub.log(project, job)
    assert "dumped" in log and "artifact(s) not kept (big.vcd" in log

    listed = hub.client.get(f"/api/v1/projects/{project}/jobs/{job}/artifacts").json()
    assert [entry["name"] for entry in listed] == ["a.vcd", "b.vcd", "c.vcd", "job.log"]
    downloaded = hub.client.get(listed[-1]["url"])
    assert downloaded.text == log, "job.log is the log, served from the job's events"
    db = Database(hub.settings.database_url)
    try:
        with db.session() as session:
            stored = session.scalars(select(JobArtifact.name).where(JobArtifact.job_id == job)).all()
        assert sorted(stored) == ["a.vcd", "b.vcd", "c.vcd"], "the log is not stored again as an artifact"
    finally:
        db.dispose()
