"""Redis restarts under a live socket: the gateway resubscribes and catches up; nothing lost or repeated."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from a6hub.adapters.bus.lifecycle import JobLifecycle
from a6hub.adapters.bus.publisher import EventPublisher
from a6hub.adapters.db.engine import Database
from a6hub.adapters.redis_server import start_embedded_redis
from a6hub.config import Settings
from a6hub.domain.jobs import JobStatus
from tests.conftest import make_settings
from tests.gateway.conftest import Hub
from tests.gateway.wsclient import collect_until_closed, connect, receive_json, seqs
from tests.servers import api_server


class PrivateRedis:
    def __init__(self, socket_path: Path) -> None:
        self.socket_path = socket_path
        self.process: subprocess.Popen[bytes] = start_embedded_redis(socket_path)

    def restart(self) -> None:
        self.stop()
        self.process = start_embedded_redis(self.socket_path)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path / "redis" / "redis.sock")
    yield server
    server.stop()


@pytest.fixture
def restart_hub(tmp_path: Path, postgres_url: str, private_redis: PrivateRedis) -> Iterator[Hub]:
    settings: Settings = make_settings(
        tmp_path, postgres_url, redis_url=f"unix://{private_redis.socket_path}"
    )
    with api_server(settings, tmp_path / "api.log") as base:
        db = Database(settings.database_url)
        client = redis.Redis.from_url(
            settings.resolved_redis_url(), socket_timeout=2, socket_connect_timeout=2
        )
        publisher = EventPublisher(db, client, settings.redis_keys, retry_for_s=30)
        yield Hub(base, settings, JobLifecycle(publisher), publisher)
        client.close()
        db.dispose()


async def test_socket_survives_a_redis_restart_with_every_event_once(
    restart_hub: Hub, private_redis: PrivateRedis
) -> None:
    hub = restart_hub
    token = hub.user("ada")
    job_id = hub.job(token)
    async with await connect(f"{hub.ws_base}/{job_id}/updates?token={token}") as ws:
        await receive_json(ws)
        for number in range(5):
            await asyncio.to_thread(hub.lifecycle.log, job_id, f"before {number}\n")
        before = [await receive_json(ws) for _ in range(5)]
        await asyncio.to_thread(private_redis.restart)
        for number in range(5):
            await asyncio.to_thread(hub.lifecycle.log, job_id, f"after {number}\n")
        await asyncio.to_thread(hub.lifecycle.finish, job_id, JobStatus.CANCELLED)
        after = await collect_until_closed(ws, timeout=60)
    assert ws.close_code == 1000
    assert seqs(before + after) == list(range(1, 13))
    lines = [m["data"]["log_line"] for m in before + after if m["type"] == "log"]
    assert lines == [f"before {n}\n" for n in range(5)] + [f"after {n}\n" for n in range(5)]
