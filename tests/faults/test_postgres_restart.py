"""PostgreSQL restarts under a running job: 503s with a clear message meanwhile, then full recovery."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import make_settings
from tests.designs import ENDLESS_TB
from tests.faults.private_postgres import PrivatePostgres
from tests.jobs.conftest import JobHub, start_hub
from tests.jobs.test_build_jobs import assert_well_formed


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres()
    yield server
    server.remove()


@pytest.mark.slow
def test_a_database_restart_costs_503s_not_events(tmp_path: Path, private_postgres: PrivatePostgres) -> None:
    settings = make_settings(tmp_path, private_postgres.url)
    for hub in start_hub(settings, tmp_path, {}):
        project = hub.project({"endless_tb.v": ENDLESS_TB})
        job = hub.start(project, "simulation", top="endless_tb", timeout_s=600)
        hub.wait_for_status(project, job["id"], "running")
        time.sleep(1)
        private_postgres.stop()
        during = hub.client.get("/api/v1/auth/me")
        not_ready = hub.client.get("/readyz")
        time.sleep(2)
        private_postgres.start()
        _until_ok(hub)
        time.sleep(2)
        assert hub.client.post(f"/api/v1/projects/{project}/jobs/{job['id']}/cancel").status_code == 200
        finished = hub.wait(project, job["id"], timeout_s=60)

        assert during.status_code == 503
        assert during.json()["code"] == "service_unavailable" and "database" in during.json()["detail"]
        assert during.headers["retry-after"]
        assert not_ready.status_code == 503 and not_ready.json()["database"] != "ok"
        assert finished["status"] == "cancelled"
        events = hub.events(project, job["id"])
        assert_well_formed(events, "cancelled")
        log_text = "".join(e["data"]["log_line"] for e in events if e["type"] == "log")
        assert hub.log(project, job["id"]) == log_text
        ticks = [int(line.split()[1]) for line in log_text.splitlines() if line.startswith("tick ")]
        assert ticks == list(range(ticks[0], ticks[0] + 1000 * len(ticks), 1000)), "a log line was lost"


def _until_ok(hub: JobHub, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if hub.client.get("/api/v1/auth/me").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("the hub did not recover after the database came back")
