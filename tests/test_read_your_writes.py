"""A client that got its answer can read what it wrote at once (the commit precedes the response)."""

from __future__ import annotations

from pathlib import Path

import httpx

from a6hub.config import Settings
from tests.servers import api_server


def test_every_write_is_visible_to_the_very_next_request(settings: Settings, tmp_path: Path) -> None:
    many_signups = {"A6HUB_REGISTER_ATTEMPTS_PER_WINDOW": "100"}  # 40 from one address, on purpose
    with (
        api_server(settings, tmp_path / "api.log", many_signups) as base,
        httpx.Client(base_url=base) as client,
    ):
        for number in range(40):
            name = f"fast{number}"
            registered = client.post(
                "/api/v1/auth/register",
                json={"email": f"{name}@example.com", "username": name, "password": "pass-word-1"},
            )
            assert registered.status_code == 201
            login = client.post("/api/v1/auth/login", json={"username": name, "password": "pass-word-1"})
            assert login.status_code == 200, (number, login.text)
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        for number in range(40):
            created = client.post("/api/v1/projects", json={"name": f"p{number}"}, headers=headers).json()
            assert client.get(f"/api/v1/projects/{created['id']}", headers=headers).status_code == 200, number
