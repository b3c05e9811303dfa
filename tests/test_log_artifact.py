"""``job.log`` is listed and downloaded like any artifact, but read from the job's log events."""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from a6hub.adapters.db.models import JobArtifact
from a6hub.domain.jobs import JobStatus
from tests.helpers import new_project, signed_up

TOP = b"module top(input a, output b); assign b = a; endmodule\n"
LINES = ["[a6hub] job started\n", "synthesis: 1 cell\n", "λ done\n"]


def _job(client: TestClient, headers: dict[str, str]) -> tuple[int, int]:
    project = new_project(client, headers)["id"]
    client.put(f"/api/v1/projects/{project}/files/top.v", content=TOP, headers=headers).raise_for_status()
    response = client.post(
        f"/api/v1/projects/{project}/jobs",
        json={"job_type": "build", "config": {"flow": "synth", "top": "top"}},
        headers=headers,
    )
    job_id: int = response.json()["id"]
    return project, job_id


def _artifacts(client: TestClient, headers: dict[str, str], project: int, job: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.get(
        f"/api/v1/projects/{project}/jobs/{job}/artifacts", headers=headers
    ).json()
    return found


def test_the_log_is_an_artifact_once_the_job_ended_and_is_stored_once(client: TestClient) -> None:
    owner = signed_up(client)
    project, job = _job(client, owner)
    lifecycle = client.app.state.context.lifecycle  # type: ignore[attr-defined]
    lifecycle.start(job, "test")
    for line in LINES:
        lifecycle.log(job, line)
    assert _artifacts(client, owner, project, job) == [], "listed once the job has ended"
    lifecycle.finish(job, JobStatus.COMPLETED)

    log = "".join(LINES).encode()
    [listed] = _artifacts(client, owner, project, job)
    assert listed["name"] == "job.log"
    assert listed["size_bytes"] == len(log)
    assert listed["sha256"] == hashlib.sha256(log).hexdigest()
    downloaded = client.get(listed["url"], headers=owner)
    assert downloaded.status_code == 200 and downloaded.content == log
    assert downloaded.headers["content-type"].startswith("text/plain")
    tail = client.get(listed["url"], headers={**owner, "Range": "bytes=-7"})
    assert tail.status_code == 206 and tail.content == log[-7:]
    with client.app.state.context.db.session() as session:  # type: ignore[attr-defined]
        assert session.scalars(select(JobArtifact.name).where(JobArtifact.job_id == job)).all() == []


def test_a_job_cancelled_before_it_ran_has_no_log(client: TestClient) -> None:
    owner = signed_up(client)
    project, job = _job(client, owner)
    client.post(f"/api/v1/projects/{project}/jobs/{job}/cancel", headers=owner).raise_for_status()
    assert _artifacts(client, owner, project, job) == []
    missing = client.get(f"/api/v1/projects/{project}/jobs/{job}/artifacts/job.log", headers=owner)
    assert missing.status_code == 404 and "no log" in missing.json()["detail"]


def test_a_copy_stored_by_an_older_version_is_not_listed_twice(client: TestClient) -> None:
    owner = signed_up(client)
    project, job = _job(client, owner)
    context = client.app.state.context  # type: ignore[attr-defined]
    context.lifecycle.start(job, "test")
    context.lifecycle.log(job, "hello\n")
    context.lifecycle.finish(job, JobStatus.FAILED, error_message="boom")
    with context.db.session() as session:
        session.add(JobArtifact.holding(job, "job.log", b"hello\n"))
    assert [entry["name"] for entry in _artifacts(client, owner, project, job)] == ["job.log"]
    got = client.get(f"/api/v1/projects/{project}/jobs/{job}/artifacts/job.log", headers=owner)
    assert got.content == b"hello\n"
