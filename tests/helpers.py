"""Small helpers shared by tests: sign up and sign in through the real API."""

from __future__ import annotations

import itertools
from typing import Any

from fastapi.testclient import TestClient

_counter = itertools.count(1)


def register(
    client: TestClient, name: str | None = None, password: str = "correct horse battery"
) -> dict[str, Any]:
    name = name or f"user{next(_counter)}"
    response = client.post(
        "/api/v1/auth/register", json={"email": f"{name}@example.com", "username": name, "password": password}
    )
    assert response.status_code == 201, response.text
    user: dict[str, Any] = response.json()
    return user


def login(client: TestClient, name: str, password: str = "correct horse battery") -> dict[str, str]:
    response = client.post("/api/v1/auth/login", json={"username": name, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def signed_up(client: TestClient, name: str | None = None) -> dict[str, str]:
    user = register(client, name)
    return login(client, user["username"])


def new_project(
    client: TestClient, headers: dict[str, str], name: str = "blinky", **extra: Any
) -> dict[str, Any]:
    response = client.post("/api/v1/projects", json={"name": name, **extra}, headers=headers)
    assert response.status_code == 201, response.text
    project: dict[str, Any] = response.json()
    return project
