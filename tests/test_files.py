from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient

from a6hub.config import Settings
from tests.helpers import new_project, signed_up

VERILOG = b"module top(input clk, output led); assign led = clk; endmodule\n"


def files_url(project: dict[str, object], path: str = "") -> str:
    return f"/api/v1/projects/{project['id']}/files" + (f"/{path}" if path else "")


def test_put_get_list_delete_a_file_in_a_folder(client: TestClient) -> None:
    owner = signed_up(client)
    project = new_project(client, owner)
    put = client.put(files_url(project, "rtl/top.v"), content=VERILOG, headers=owner)
    assert put.status_code == 200
    assert put.json()["path"] == "rtl/top.v"
    assert put.json()["size_bytes"] == len(VERILOG)
    assert put.json()["content_hash"] == hashlib.sha256(VERILOG).hexdigest()
    got = client.get(files_url(project, "rtl/top.v"), headers=owner)
    assert got.content == VERILOG and got.headers["content-type"].startswith("text/plain")
    assert [f["path"] for f in client.get(files_url(project), headers=owner).json()] == ["rtl/top.v"]
    assert client.delete(files_url(project, "rtl/top.v"), headers=owner).status_code == 204
    assert client.get(files_url(project, "rtl/top.v"), headers=owner).status_code == 404
    assert client.get(files_url(project), headers=owner).json() == []


def test_put_replaces_content(client: TestClient) -> None:
    owner = signed_up(client)
    project = new_project(client, owner)
    client.put(files_url(project, "top.v"), content=b"old", headers=owner)
    client.put(files_url(project, "top.v"), content=VERILOG, headers=owner)
    assert client.get(files_url(project, "top.v"), headers=owner).content == VERILOG
    assert len(client.get(files_url(project), headers=owner).json()) == 1


def test_multipart_upload_of_several_files(client: TestClient) -> None:
    owner = signed_up(client)
    project = new_project(client, owner)
    response = client.post(
        files_url(project),
        files=[("files", ("top.v", VERILOG)), ("files", ("pins.pcf", b"set_io clk 35\n"))],
        data={"folder": "src"},
        headers=owner,
    )
    assert response.status_code == 201, response.text
    assert sorted(f["path"] for f in response.json()) == ["src/pins.pcf", "src/top.v"]


@pytest.mark.parametrize(
    "bad_path",
    ["%2E%2E/escape.v", "a/%2E%2E/%2E%2E/b.v", "%2Fetc%2Fpasswd", "dir%5Cfile.v", "nul%00byte.v", "x" * 300],
)
def test_bad_paths_are_refused(client: TestClient, bad_path: str) -> None:
    owner = signed_up(client)
    project = new_project(client, owner)
    response = client.put(files_url(project, bad_path), content=VERILOG, headers=owner)
    assert response.status_code in (404, 422), response.text
    if response.status_code == 422:
        assert response.json()["code"] == "invalid_input"
    assert client.get(files_url(project), headers=owner).json() == []


def test_traversal_in_multipart_file_names_is_refused(client: TestClient) -> None:
    owner = signed_up(client)
    project = new_project(client, owner)
    response = client.post(files_url(project), files=[("files", ("../../etc/passwd", b"x"))], headers=owner)
    assert response.status_code == 422
    assert client.get(files_url(project), headers=owner).json() == []


def test_size_and_count_limits_give_413(tmp_path: object, database_url: str) -> None:
    from pathlib import Path

    from a6hub.api.app import create_app
    from tests.conftest import make_settings

    limited: Settings = make_settings(
        Path(str(tmp_path)), database_url, max_file_bytes=1000, max_files_per_project=2
    )
    with TestClient(create_app(limited)) as client:
        owner = signed_up(client)
        project = new_project(client, owner)
        too_big = client.put(files_url(project, "big.v"), content=b"x" * 1001, headers=owner)
        assert too_big.status_code == 413 and too_big.json()["code"] == "too_large"
        assert client.put(files_url(project, "a.v"), content=b"a", headers=owner).status_code == 200
        assert client.put(files_url(project, "b.v"), content=b"b", headers=owner).status_code == 200
        third = client.put(files_url(project, "c.v"), content=b"c", headers=owner)
        assert third.status_code == 413 and "limit is 2" in third.json()["detail"]
        assert client.put(files_url(project, "a.v"), content=b"still fine", headers=owner).status_code == 200


def test_only_the_owner_writes_files_others_read_public_ones(client: TestClient) -> None:
    alice, bob = signed_up(client), signed_up(client)
    public = new_project(client, alice, "pub", visibility="public")
    private = new_project(client, alice, "priv")
    for project in (public, private):
        client.put(files_url(project, "top.v"), content=VERILOG, headers=alice)
    assert client.get(files_url(public, "top.v"), headers=bob).content == VERILOG
    assert client.put(files_url(public, "top.v"), content=b"mine", headers=bob).status_code == 403
    assert client.delete(files_url(public, "top.v"), headers=bob).status_code == 403
    assert client.get(files_url(private, "top.v"), headers=bob).status_code == 404
    assert client.get(files_url(private), headers=bob).status_code == 404
    assert client.get(files_url(public, "top.v")).status_code == 401
