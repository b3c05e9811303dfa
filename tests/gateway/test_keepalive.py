"""Protocol-level pings find dead peers: a client that never answers is dropped."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from a6hub.adapters.bus.lifecycle import JobLifecycle
from a6hub.adapters.bus.publisher import EventPublisher
from a6hub.adapters.db.engine import Database
from a6hub.config import Settings
from tests.conftest import make_settings
from tests.gateway.conftest import Hub
from tests.gateway.test_fanout import metric, stalled_client
from tests.servers import api_server


@pytest.fixture
def pinging_hub(tmp_path: Path, postgres_url: str) -> Iterator[Hub]:
    settings: Settings = make_settings(tmp_path, postgres_url)
    with api_server(settings, tmp_path / "api.log", {"A6HUB_WS_PING_INTERVAL_S": "0.5"}) as base:
        db = Database(settings.database_url)
        client = redis.Redis.from_url(settings.resolved_redis_url())
        publisher = EventPublisher(db, client, settings.redis_keys)
        yield Hub(base, settings, JobLifecycle(publisher), publisher)
        client.close()
        db.dispose()


def test_a_peer_that_never_answers_pings_is_dropped(pinging_hub: Hub) -> None:
    token = pinging_hub.user("ada")
    job_id = pinging_hub.job(token)
    silent = stalled_client(pinging_hub.base, f"/api/v1/ws/jobs/{job_id}/updates?token={token}")
    try:
        deadline = time.monotonic() + 20
        while metric(pinging_hub.base, "a6hub_ws_open_sockets") != 1:
            assert time.monotonic() < deadline, "the socket never opened"
            time.sleep(0.05)
        while metric(pinging_hub.base, "a6hub_ws_open_sockets") != 0:
            assert time.monotonic() < deadline, "a dead peer was never dropped"
            time.sleep(0.1)
    finally:
        silent.close()
