"""Every REST route from the OpenAPI spec, tried as the owner, another user and anonymous."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from a6hub.adapters.db.models import JobArtifact
from a6hub.api.app import create_app
from a6hub.config import Settings
from a6hub.domain.jobs import JobStatus
from a6hub.domain.summary import SUMMARY_ARTIFACT, BuildSummary
from tests.helpers import new_project, signed_up

PUBLIC_OPERATIONS = {"register", "login", "healthz", "readyz", "metrics"}
ADMIN_OPERATIONS = {"list_connections", "delete_user"}
SIGN_OUT_OPERATIONS = {"logout_all"}  # checked last: it ends the session the others use
TOP = b"module top(input a, output b); assign b = a; endmodule\n"


@dataclass
class World:
    client: TestClient
    owner: dict[str, str]
    other: dict[str, str]
    private: dict[str, Any]
    public: dict[str, Any]
    private_job: int
    public_job: int


def _job(client: TestClient, headers: dict[str, str], project_id: int) -> int:
    client.put(f"/api/v1/projects/{project_id}/files/top.v", content=TOP, headers=headers).raise_for_status()
    response = client.post(
        f"/api/v1/projects/{project_id}/jobs",
        json={"job_type": "build", "config": {"flow": "synth", "top": "top"}},
        headers=headers,
    )
    response.raise_for_status()
    job_id: int = response.json()["id"]
    context = client.app.state.context  # type: ignore[attr-defined]
    context.lifecycle.start(job_id, "test")
    context.lifecycle.log(job_id, "hello\n")
    context.lifecycle.finish(job_id, JobStatus.COMPLETED)
    summary = BuildSummary(flow="synth", top="top", cells={"SB_LUT4": 1}).model_dump_json().encode()
    with context.db.session() as session:
        for name, content in (("job.log", b"hello\n"), (SUMMARY_ARTIFACT, summary)):
            session.add(JobArtifact.holding(job_id, name, content))
    return job_id


@pytest.fixture
def world(settings: Settings) -> Iterator[World]:
    with TestClient(create_app(settings)) as client:
        owner, other = signed_up(client), signed_up(client)
        private = new_project(client, owner, "private")
        public = new_project(client, owner, "public", visibility="public")
        yield World(
            client,
            owner,
            other,
            private,
            public,
            _job(client, owner, private["id"]),
            _job(client, owner, public["id"]),
        )


def operations(client: TestClient) -> list[tuple[str, str, str]]:
    spec = client.get("/openapi.json").json()
    return [
        (method.upper(), path, operation["operationId"])
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    ]


def request(
    world: World,
    method: str,
    path: str,
    operation_id: str,
    project: dict[str, Any],
    job: int,
    headers: dict[str, str] | None,
) -> int:
    url = re.sub(r"\{project_id\}", str(project["id"]), path)
    url = url.replace("{job_id}", str(job)).replace("{path}", "top.v").replace("{name}", "job.log")
    url = url.replace("{user_id}", "1")
    bodies: dict[str, dict[str, Any]] = {
        "create_project": {"json": {"name": "x"}},
        "update_project": {"json": {"description": "changed"}},
        "create_job": {"json": {"job_type": "build", "config": {"flow": "synth", "top": "top"}}},
        "put_file": {"content": TOP},
        "upload_files": {"files": [("files", ("extra.v", TOP))]},
        "create_ws_ticket": {"json": {"job_id": job}},
        "login": {"json": {"username": "nobody", "password": "x"}},
        "delete_account": {"json": {"password": "not the password"}},
        "register": {"json": {"email": "n@example.com", "username": "newcomer", "password": "longenough"}},
    }
    return world.client.request(method, url, headers=headers, **bodies.get(operation_id, {})).status_code


def test_anonymous_gets_401_everywhere_but_the_public_routes(world: World) -> None:
    for method, path, operation_id in operations(world.client):
        if operation_id in PUBLIC_OPERATIONS:
            continue
        status = request(world, method, path, operation_id, world.private, world.private_job, None)
        assert status == 401, (method, path, status)


def test_another_user_cannot_tell_a_private_project_exists(world: World) -> None:
    for method, path, operation_id in operations(world.client):
        if "{project_id}" not in path and "{job_id}" not in path and operation_id != "create_ws_ticket":
            continue
        status = request(world, method, path, operation_id, world.private, world.private_job, world.other)
        assert status == 404, (method, path, status)


def test_another_user_reads_a_public_project_but_cannot_change_it(world: World) -> None:
    for method, path, operation_id in operations(world.client):
        if "{project_id}" not in path and "{job_id}" not in path:
            continue
        status = request(world, method, path, operation_id, world.public, world.public_job, world.other)
        expected = {200, 201} if method == "GET" else {403}
        assert status in expected, (method, path, status)


def test_the_owner_is_let_in_everywhere(world: World) -> None:
    for method, path, operation_id in operations(world.client):
        if operation_id in PUBLIC_OPERATIONS | SIGN_OUT_OPERATIONS:
            continue
        if operation_id in ADMIN_OPERATIONS:
            assert (
                request(world, method, path, operation_id, world.private, world.private_job, world.owner)
                == 403
            )
            continue
        if method == "DELETE" and "{path}" not in path and "jobs" not in path:
            continue  # deleting the project itself is checked last
        status = request(world, method, path, operation_id, world.private, world.private_job, world.owner)
        assert status not in (401, 403, 404, 422, 500), (method, path, status)
    assert (
        world.client.delete(f"/api/v1/projects/{world.private['id']}", headers=world.owner).status_code == 204
    )
    assert world.client.post("/api/v1/auth/logout-all", headers=world.owner).status_code == 204
    assert world.client.get("/api/v1/auth/me", headers=world.owner).status_code == 401
