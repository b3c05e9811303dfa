"""A real hub for job tests: API process, Celery worker process, Redis, and a database."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from a6hub.config import Settings
from tests.conftest import make_settings
from tests.servers import api_server, worker_process

DEMO = Path(__file__).resolve().parents[2] / "src" / "a6hub" / "demo"


@dataclass
class JobHub:
    base: str
    settings: Settings
    client: httpx.Client
    tmp_path: Path
    worker: subprocess.Popen[bytes] | None = None

    def project(self, files: dict[str, bytes], name: str = "design") -> int:
        project = self.client.post("/api/v1/projects", json={"name": name}).json()
        for path, content in files.items():
            self.client.put(
                f"/api/v1/projects/{project['id']}/files/{path}", content=content
            ).raise_for_status()
        project_id: int = project["id"]
        return project_id

    def start(self, project_id: int, job_type: str, **config: Any) -> dict[str, Any]:
        response = self.client.post(
            f"/api/v1/projects/{project_id}/jobs", json={"job_type": job_type, "config": config}
        )
        assert response.status_code == 201, response.text
        job: dict[str, Any] = response.json()
        return job

    def job(self, project_id: int, job_id: int) -> dict[str, Any]:
        job: dict[str, Any] = self.client.get(f"/api/v1/projects/{project_id}/jobs/{job_id}").json()
        return job

    def wait(self, project_id: int, job_id: int, timeout_s: float = 300) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            job = self.job(project_id, job_id)
            if job["status"] in ("completed", "failed", "cancelled"):
                return job
            time.sleep(0.25)
        raise AssertionError(f"job {job_id} did not finish in {timeout_s} s: {self.job(project_id, job_id)}")

    def wait_for_status(self, project_id: int, job_id: int, status: str, timeout_s: float = 120) -> None:
        deadline = time.monotonic() + timeout_s
        while self.job(project_id, job_id)["status"] != status:
            assert time.monotonic() < deadline, f"job {job_id} never reached {status}"
            time.sleep(0.1)

    def events(self, project_id: int, job_id: int) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        while True:
            page = self.client.get(
                f"/api/v1/projects/{project_id}/jobs/{job_id}/events", params={"since": len(events)}
            ).json()
            events.extend(page["events"])
            if not page["events"]:
                return events

    def log(self, project_id: int, job_id: int) -> str:
        return self.client.get(f"/api/v1/projects/{project_id}/jobs/{job_id}/logs").text


def demo_files(*names: str) -> dict[str, bytes]:
    return {name: (DEMO / name).read_bytes() for name in names}


def start_hub(settings: Settings, tmp_path: Path, env: dict[str, str]) -> Iterator[JobHub]:
    with (
        api_server(settings, tmp_path / "api.log", env) as base,
        worker_process(settings, tmp_path / "worker.log", extra_env=env) as worker,
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        client.post(
            "/api/v1/auth/register",
            json={"email": "d@example.com", "username": "designer", "password": "pass-word-1"},
        ).raise_for_status()
        token = client.post(
            "/api/v1/auth/login", json={"username": "designer", "password": "pass-word-1"}
        ).json()
        client.headers["Authorization"] = f"Bearer {token['access_token']}"
        yield JobHub(base, settings, client, tmp_path, worker)


@pytest.fixture
def job_settings(tmp_path: Path, postgres_url: str) -> Settings:
    return make_settings(tmp_path, postgres_url, worker_heartbeat_s=1.0, worker_lost_after_s=6.0)


@pytest.fixture
def job_hub(job_settings: Settings, tmp_path: Path) -> Iterator[JobHub]:
    yield from start_hub(
        job_settings, tmp_path, {"A6HUB_WORKER_HEARTBEAT_S": "1.0", "A6HUB_WORKER_LOST_AFTER_S": "6.0"}
    )
