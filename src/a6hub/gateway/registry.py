"""The open sockets of this process, published to Redis so the admin view spans all processes.

Listing 10,000 sockets takes a noticeable slice of the event loop, so a process publishes its
list only while an administrator is looking (the admin view's request sets a flag in Redis for
``WANTED_FOR_S``), and formats it a chunk at a time, letting live events through in between.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import redis.asyncio as aioredis

from a6hub.adapters.bus.keys import RedisKeys
from a6hub.gateway.replay import as_text
from a6hub.gateway.session import ClientSession

log = logging.getLogger(__name__)
PUBLISH_EVERY_S = 2.0
ENTRY_TTL_S = 10
WANTED_FOR_S = 60
DESCRIBE_CHUNK = 500  # connections formatted per turn of the event loop


@dataclass(frozen=True, slots=True)
class Connection:
    id: int
    user_id: int
    session: ClientSession
    fixed_json: str  # the fields that never change, as the start of a JSON object


class ConnectionRegistry:
    def __init__(self, redis: aioredis.Redis, keys: RedisKeys, process_id: str) -> None:
        self._redis = redis
        self._keys = keys
        self.process_id = process_id
        self._connections: dict[int, Connection] = {}
        self._next_id = 0
        self._task: asyncio.Task[None] | None = None

    def __len__(self) -> int:
        return len(self._connections)

    @property
    def opened_total(self) -> int:
        """Sockets registered since the process started."""
        return self._next_id

    def add(self, user_id: int, session: ClientSession) -> int:
        self._next_id += 1
        fixed = {
            "process": self.process_id,
            "connection_id": self._next_id,
            "user_id": user_id,
            "job_id": session.job_id,
            "connected_at": datetime.fromtimestamp(session.connected_at, UTC).isoformat(),
        }
        fixed_json = json.dumps(fixed, separators=(",", ":"))[:-1]
        self._connections[self._next_id] = Connection(self._next_id, user_id, session, fixed_json)
        return self._next_id

    def remove(self, connection_id: int) -> None:
        self._connections.pop(connection_id, None)

    async def describe_json(self) -> str:
        """Every connection as a JSON list, yielding to the event loop every ``DESCRIBE_CHUNK``."""
        connections = list(self._connections.values())
        parts: list[str] = []
        for start in range(0, len(connections), DESCRIBE_CHUNK):
            if start:
                await asyncio.sleep(0)
            parts.extend(map(_entry_json, connections[start : start + DESCRIBE_CHUNK]))
        return "[" + ",".join(parts) + "]"

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._publish_forever())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(aioredis.RedisError, OSError):
            await self._redis.delete(self._keys.gateway_connections(self.process_id))
            await self._redis.srem(self._keys.gateway_processes, self.process_id)

    async def _publish_forever(self) -> None:
        while True:
            try:
                await self._publish()
            except (aioredis.RedisError, OSError) as exc:
                log.warning("gateway: could not publish the connection list: %s", exc)
            await asyncio.sleep(PUBLISH_EVERY_S)

    async def _publish(self) -> None:
        """Announce this process; publish its list if an admin is looking."""
        pipe = self._redis.pipeline(transaction=False)
        pipe.sadd(self._keys.gateway_processes, self.process_id)
        pipe.exists(self._keys.gateway_list_wanted)
        _, wanted = await pipe.execute()
        if wanted:
            snapshot = await self.describe_json()
            await self._redis.set(self._keys.gateway_connections(self.process_id), snapshot, ex=ENTRY_TTL_S)


def _entry_json(connection: Connection) -> str:
    """One connection as JSON; only the changing fields are formatted each time."""
    session = connection.session
    return (
        f'{connection.fixed_json},"frames_sent":{session.frames_sent},'
        f'"queue_depth":{session.queue_depth},"last_seq_sent":{session.last_seq_sent}}}'
    )


async def all_connections(
    redis: aioredis.Redis, keys: RedisKeys, wait_s: float = PUBLISH_EVERY_S + 1.0
) -> list[dict[str, Any]]:
    """Every open socket of every live API process.

    Asks the processes to publish their lists (for the next ``WANTED_FOR_S``) and, for any that
    has none yet, waits up to ``wait_s`` (one publishing round); a process still silent then is
    taken as gone (a live one announces itself again on its next round).
    """
    await redis.set(keys.gateway_list_wanted, "1", ex=WANTED_FOR_S)
    deadline = asyncio.get_running_loop().time() + wait_s
    while True:
        processes = sorted(as_text(member) for member in await redis.smembers(keys.gateway_processes))
        lists = (
            await redis.mget([keys.gateway_connections(process) for process in processes])
            if processes
            else []
        )
        missing = [process for process, raw in zip(processes, lists, strict=True) if raw is None]
        if not missing or asyncio.get_running_loop().time() >= deadline:
            break
        await asyncio.sleep(0.2)
    if missing:
        await redis.srem(keys.gateway_processes, *missing)
    return [entry for raw in lists if raw is not None for entry in json.loads(raw)]
