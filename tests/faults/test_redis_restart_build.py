"""Redis restarts during a real job with a client watching: every event arrives exactly once, in order."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
import websockets

from tests.conftest import make_settings
from tests.designs import ENDLESS_TB
from tests.gateway.test_redis_restart import PrivateRedis, private_redis
from tests.jobs.conftest import JobHub, start_hub
from tests.jobs.test_build_jobs import assert_well_formed

__all__ = ["private_redis"]


async def watch_with_resume(hub: JobHub, job_id: int, token: str) -> list[dict[str, Any]]:
    """A client that reconnects with ?since=<last seq> whenever its socket drops."""
    url = hub.base.replace("http://", "ws://") + f"/api/v1/ws/jobs/{job_id}/updates"
    events: list[dict[str, Any]] = []
    while not events or events[-1]["type"] != "complete":
        since = events[-1]["seq"] if events else 0
        try:
            async with websockets.connect(f"{url}?since={since}", subprotocols=["bearer", token]) as ws:  # type: ignore[list-item]
                async for raw in ws:
                    message = json.loads(raw)
                    if "seq" in message:
                        events.append(message)
        except (websockets.ConnectionClosedError, OSError):
            await asyncio.sleep(0.2)
    return events


@pytest.mark.slow
async def test_a_redis_restart_mid_job_loses_and_repeats_nothing(
    tmp_path: Path, postgres_url: str, private_redis: PrivateRedis
) -> None:
    settings = make_settings(tmp_path, postgres_url, redis_url=f"unix://{private_redis.socket_path}")
    for hub in start_hub(settings, tmp_path, {}):
        token = hub.client.headers["Authorization"].split()[1]
        project = hub.project({"endless_tb.v": ENDLESS_TB})
        job = hub.start(project, "simulation", top="endless_tb", timeout_s=600)
        await asyncio.to_thread(hub.wait_for_status, project, job["id"], "running")
        watcher = asyncio.create_task(watch_with_resume(hub, job["id"], token))
        await asyncio.sleep(1.5)
        await asyncio.to_thread(private_redis.restart)
        await asyncio.sleep(2.5)
        cancel = await asyncio.to_thread(
            hub.client.post, f"/api/v1/projects/{project}/jobs/{job['id']}/cancel"
        )
        assert cancel.status_code == 200
        events = await asyncio.wait_for(watcher, 60)
        stored = await asyncio.to_thread(hub.events, project, job["id"])
        assert events == stored
        assert_well_formed(events, "cancelled")
