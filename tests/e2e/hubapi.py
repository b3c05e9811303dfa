"""REST set-up and checks for the browser tests, safe to use right after a write.

The API commits a request's database session only after its response has gone out (the session
is a default-scoped FastAPI dependency with ``yield``), so a request sent right after a 201 may not
see that write yet: a sign-in right after sign-up can get 401, a project read right after its
creation 404. The set-up here waits (explicitly, with a deadline) until each write is visible; the
UI steps under test do not, so the browser tests still show that race when the app hits it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx

from tests.jobs.conftest import JobHub

PASSWORD = "pass-word-1"  # the password of every browser-test user (JobHub's "designer" too)


def until(what: str, check: Callable[[], bool], timeout_s: float = 10.0) -> None:
    """Poll ``check`` until it holds; fail after ``timeout_s`` saying what never happened."""
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not after {timeout_s} s")
        time.sleep(0.05)


def token_for(client: httpx.Client, username: str, password: str = PASSWORD) -> str:
    """Sign in over REST, waiting for a just-created account to become visible."""
    answers: list[httpx.Response] = []

    def signed_in() -> bool:
        answers.append(client.post("/api/v1/auth/login", json={"username": username, "password": password}))
        return answers[-1].status_code == 200

    until(f"{username} can sign in", signed_in)
    token: str = answers[-1].json()["access_token"]
    return token


def register(client: httpx.Client, username: str, password: str = PASSWORD) -> str:
    """A new account; returns its token once the account can sign in."""
    client.post(
        "/api/v1/auth/register",
        json={"email": f"{username}@example.com", "username": username, "password": password},
    ).raise_for_status()
    return token_for(client, username, password)


@contextmanager
def api_client(base: str, username: str, password: str = PASSWORD) -> Iterator[httpx.Client]:
    """An httpx client signed in as ``username`` (to compare the page with the REST API)."""
    with httpx.Client(base_url=base, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {token_for(client, username, password)}"
        yield client


def new_project(hub: JobHub, files: dict[str, bytes], name: str) -> int:
    """A project of "designer" with ``files`` (``JobHub.project``, but waiting for the project to exist)."""
    project = hub.client.post("/api/v1/projects", json={"name": name})
    project.raise_for_status()
    project_id: int = project.json()["id"]
    until(
        f"project {project_id} is readable",
        lambda: hub.client.get(f"/api/v1/projects/{project_id}").status_code == 200,
    )
    for path, content in files.items():
        hub.client.put(f"/api/v1/projects/{project_id}/files/{path}", content=content).raise_for_status()
    return project_id
