"""Request bodies are capped before they are read: a 300 MB body gets 413 without being taken in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from a6hub.config import Settings
from tests.conftest import make_settings
from tests.helpers import new_project, signed_up
from tests.memory import peak_rss, reset_peak_rss, server_process
from tests.servers import api_server

HUGE = 300 * 1024 * 1024
CHUNK = 1024 * 1024


class Body:
    """A body produced a chunk at a time, as the client sends it; remembers how much it gave."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.produced = 0

    def __iter__(self) -> Iterator[bytes]:
        chunk = b"x" * CHUNK
        while self.produced < self.size:
            self.produced += CHUNK
            yield chunk


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    tmp_path: Path = tmp_path_factory.mktemp("bodies")
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'hub.sqlite3'}")
    with api_server(settings, tmp_path / "api.log") as base:
        yield base, settings


def test_a_300_mb_body_with_its_length_gets_413_at_once(hub: tuple[str, Settings]) -> None:
    base, settings = hub
    process = server_process(base)
    before = reset_peak_rss(process)
    body = Body(HUGE)
    # Not signed in, to a project that does not exist: the size is refused before anything else.
    response = httpx.put(
        f"{base}/api/v1/projects/1/files/huge.v",
        content=body,
        headers={"Content-Length": str(HUGE)},
        timeout=60,
    )
    growth = peak_rss(process) - before
    assert_refused(response, settings)
    assert body.produced < 64 * CHUNK, body.produced  # what the sockets buffer, at most
    assert growth < 64 * CHUNK, f"the server's RSS grew by {growth / CHUNK:.0f} MiB"


def test_a_300_mb_streamed_body_gets_413_at_the_cap(hub: tuple[str, Settings]) -> None:
    base, settings = hub
    process = server_process(base)
    before = reset_peak_rss(process)
    body = Body(HUGE)
    # Chunked, without a length, to a route that reads its body before anyone is signed in.
    response = httpx.post(f"{base}/api/v1/auth/login", content=body, timeout=60)
    growth = peak_rss(process) - before
    assert_refused(response, settings)
    assert body.produced < settings.max_request_bytes + 64 * CHUNK, body.produced
    assert growth < 64 * CHUNK, f"the server's RSS grew by {growth / CHUNK:.0f} MiB"
    assert httpx.get(f"{base}/healthz").status_code == 200


def test_a_body_answered_unread_is_not_read_on(hub: tuple[str, Settings]) -> None:
    base, _settings = hub
    body = Body(HUGE)
    response = httpx.put(f"{base}/api/v1/projects/1/files/huge.v", content=body, timeout=60)
    assert response.status_code == 401  # not signed in: answered before the body is read
    assert body.produced < 64 * CHUNK, body.produced


def assert_refused(response: httpx.Response, settings: Settings) -> None:
    assert response.status_code == 413, response.text
    assert response.json()["code"] == "too_large"
    assert f"at most {settings.max_request_bytes} bytes per request" in response.json()["detail"]


def test_requests_under_the_cap_are_served(hub: tuple[str, Settings]) -> None:
    base, settings = hub
    with httpx.Client(base_url=base) as client:
        name = "uploader"
        client.post(
            "/api/v1/auth/register",
            json={"email": f"{name}@example.com", "username": name, "password": "correct horse battery"},
        ).raise_for_status()
        token = client.post(
            "/api/v1/auth/login", json={"username": name, "password": "correct horse battery"}
        ).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        project = client.post("/api/v1/projects", json={"name": "big"}).json()
        # A multipart upload of three files at the per-file limit (6 MiB in all) is taken whole.
        files = [("files", (f"f{n}.v", b"/" * settings.max_file_bytes, "text/plain")) for n in range(3)]
        uploaded = client.post(f"/api/v1/projects/{project['id']}/files", files=files)
        assert uploaded.status_code == 201, uploaded.text
        assert [f["size_bytes"] for f in uploaded.json()] == [settings.max_file_bytes] * 3
        # A streamed (chunked) file under the cap reaches the route, which applies its own limit.
        streamed = client.put(
            f"/api/v1/projects/{project['id']}/files/streamed.v", content=Body(settings.max_file_bytes)
        )
        assert streamed.status_code == 200, streamed.text
        assert streamed.json()["size_bytes"] == settings.max_file_bytes


def test_json_over_the_cap_is_refused_before_authentication(client: TestClient, settings: Settings) -> None:
    headers = signed_up(client)
    project = new_project(client, headers)
    padding = "x" * (settings.max_request_bytes + 1)
    for auth in (headers, {}):
        response = client.patch(
            f"/api/v1/projects/{project['id']}", json={"description": padding}, headers=auth
        )
        assert response.status_code == 413
        assert response.json()["code"] == "too_large"
