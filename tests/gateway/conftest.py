"""A real API process on PostgreSQL and Redis, and an in-process publisher for job events."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import redis

from a6hub.adapters.bus.lifecycle import JobLifecycle
from a6hub.adapters.bus.publisher import EventPublisher
from a6hub.adapters.db.engine import Database
from a6hub.adapters.security import TokenService
from a6hub.config import Settings
from a6hub.domain.sessions import TokenStamp
from tests.conftest import make_settings
from tests.servers import api_server

TOP = b"module top(input clk, output reg led); always @(posedge clk) led <= ~led; endmodule\n"


@dataclass
class Hub:
    base: str
    settings: Settings
    lifecycle: JobLifecycle
    publisher: EventPublisher

    def short_lived(self, token: str, seconds: float) -> str:
        """A token of the same session as ``token`` that expires after ``seconds``."""
        claims = jwt.decode(token, options={"verify_signature": False})
        stamp = TokenStamp(account_key=claims["acct"], version=claims["ver"])
        service = TokenService(self.settings.resolved_secret_key(), timedelta(seconds=seconds))
        return service.issue(int(claims["sub"]), stamp)

    @property
    def ws_base(self) -> str:
        return self.base.replace("http://", "ws://") + "/api/v1/ws/jobs"

    def user(self, name: str) -> str:
        """Register ``name`` and return its JWT."""
        with httpx.Client(base_url=self.base) as client:
            client.post(
                "/api/v1/auth/register",
                json={"email": f"{name}@example.com", "username": name, "password": "correct horse"},
            ).raise_for_status()
            response = client.post("/api/v1/auth/login", json={"username": name, "password": "correct horse"})
            response.raise_for_status()
            token: str = response.json()["access_token"]
            return token

    def job(self, token: str, visibility: str = "private") -> int:
        """A project with one Verilog file and a queued job (no worker runs it: tests publish its events)."""
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=self.base, headers=headers) as client:
            project = client.post("/api/v1/projects", json={"name": "p", "visibility": visibility}).json()
            client.put(f"/api/v1/projects/{project['id']}/files/top.v", content=TOP).raise_for_status()
            job = client.post(
                f"/api/v1/projects/{project['id']}/jobs",
                json={"job_type": "build", "config": {"flow": "synth", "top": "top"}},
            )
            job.raise_for_status()
            job_id: int = job.json()["id"]
            return job_id

    def get(self, path: str, token: str, **params: Any) -> httpx.Response:
        return httpx.get(f"{self.base}{path}", params=params, headers={"Authorization": f"Bearer {token}"})

    def post(self, path: str, token: str, body: dict[str, Any]) -> httpx.Response:
        return httpx.post(f"{self.base}{path}", json=body, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def hub_settings(tmp_path: Path, postgres_url: str) -> Settings:
    return make_settings(tmp_path, postgres_url, ws_send_queue=64, ws_send_timeout_s=1.0)


@pytest.fixture
def hub(hub_settings: Settings, tmp_path: Path) -> Iterator[Hub]:
    env = {"A6HUB_WS_SEND_QUEUE": "64", "A6HUB_WS_SEND_TIMEOUT_S": "1.0"}
    with api_server(hub_settings, tmp_path / "api.log", env) as base:
        db = Database(hub_settings.database_url)
        client = redis.Redis.from_url(hub_settings.resolved_redis_url())
        publisher = EventPublisher(db, client, hub_settings.redis_keys)
        yield Hub(base, hub_settings, JobLifecycle(publisher), publisher)
        client.close()
        db.dispose()
