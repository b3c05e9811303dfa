"""The admin view's list of one process's sockets, formatted a chunk at a time."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import cast

import redis.asyncio as aioredis

from a6hub.adapters.bus.keys import RedisKeys
from a6hub.gateway.registry import DESCRIBE_CHUNK, ConnectionRegistry
from a6hub.gateway.session import ClientSession


@dataclass
class Watching:
    """What the registry reads of a socket's session."""

    job_id: int
    connected_at: float = 1_790_000_000.0
    frames_sent: int = 0
    queue_depth: int = 0
    last_seq_sent: int = 0


async def test_a_long_list_is_whole_and_lets_the_event_loop_run_in_between() -> None:
    registry = ConnectionRegistry(cast(aioredis.Redis, None), RedisKeys("t:"), "proc-1")
    count = 3 * DESCRIBE_CHUNK + 2  # four chunks once one is removed
    for n in range(count):
        registry.add(100 + n % 3, cast(ClientSession, Watching(job_id=n, frames_sent=n, last_seq_sent=n)))
    registry.remove(2)
    turns = 0

    async def count_turns() -> None:
        nonlocal turns
        while True:
            await asyncio.sleep(0)
            turns += 1

    counter = asyncio.create_task(count_turns())
    listed = json.loads(await registry.describe_json())
    counter.cancel()

    assert [entry["connection_id"] for entry in listed] == [1, *range(3, count + 1)]
    assert listed[-1] == {
        "process": "proc-1",
        "connection_id": count,
        "user_id": 100 + (count - 1) % 3,
        "job_id": count - 1,
        "connected_at": "2026-09-21T14:13:20+00:00",
        "frames_sent": count - 1,
        "queue_depth": 0,
        "last_seq_sent": count - 1,
    }
    assert turns >= 2  # the other task ran between the chunks
