from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers import new_project, signed_up


def test_create_project_gives_id_and_slug(client: TestClient) -> None:
    owner = signed_up(client)
    project = new_project(client, owner, "My Blinky Design!", description="LEDs")
    assert project["slug"] == "my-blinky-design"
    assert project["visibility"] == "private"
    again = new_project(client, owner, "My Blinky Design!")
    assert again["slug"] == "my-blinky-design-2"


def test_list_shows_mine_and_public_ones_with_a_filter(client: TestClient) -> None:
    alice, bob = signed_up(client), signed_up(client)
    new_project(client, alice, "alice-private")
    new_project(client, alice, "alice-public", visibility="public")
    new_project(client, bob, "bob-private")
    mine = client.get("/api/v1/projects", headers=bob).json()
    public = client.get("/api/v1/projects", params={"scope": "public"}, headers=bob).json()
    assert [p["name"] for p in mine] == ["bob-private"]
    assert [p["name"] for p in public] == ["alice-public"]
    assert public[0]["owner_username"]


def test_private_project_of_another_user_is_not_found_public_one_is_read_only(client: TestClient) -> None:
    alice, bob = signed_up(client), signed_up(client)
    private = new_project(client, alice, "secret")
    public = new_project(client, alice, "shared", visibility="public")
    assert client.get(f"/api/v1/projects/{private['id']}", headers=bob).status_code == 404
    assert client.get(f"/api/v1/projects/{public['id']}", headers=bob).status_code == 200
    change = client.patch(f"/api/v1/projects/{public['id']}", json={"name": "mine now"}, headers=bob)
    assert change.status_code == 403 and change.json()["code"] == "forbidden"
    assert client.delete(f"/api/v1/projects/{private['id']}", headers=bob).status_code == 404
    assert client.get(f"/api/v1/projects/{public['id']}").status_code == 401


def test_owner_updates_and_deletes(client: TestClient) -> None:
    owner = signed_up(client)
    project = new_project(client, owner, "old name")
    response = client.patch(
        f"/api/v1/projects/{project['id']}", json={"name": "New Name", "visibility": "public"}, headers=owner
    )
    assert response.status_code == 200
    assert response.json()["slug"] == "new-name" and response.json()["visibility"] == "public"
    assert client.delete(f"/api/v1/projects/{project['id']}", headers=owner).status_code == 204
    assert client.get(f"/api/v1/projects/{project['id']}", headers=owner).status_code == 404


def test_bad_project_input_is_refused(client: TestClient) -> None:
    owner = signed_up(client)
    assert client.post("/api/v1/projects", json={"name": ""}, headers=owner).status_code == 422
    bad_visibility = client.post(
        "/api/v1/projects", json={"name": "x", "visibility": "secret"}, headers=owner
    )
    assert bad_visibility.status_code == 422 and "visibility" in bad_visibility.json()["detail"]
    assert client.get("/api/v1/projects/not-a-number", headers=owner).status_code == 422


def test_openapi_has_stable_operation_ids(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operation_ids = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {
        "register",
        "login",
        "me",
        "create_project",
        "list_projects",
        "put_file",
        "upload_files",
    } <= operation_ids
