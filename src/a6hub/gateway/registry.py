"""The open sockets of this process, published to Redis so the admin view spans all processes."""

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

    def describe(self) -> list[dict[str, Any]]:
        described: list[dict[str, Any]] = json.loads(self.describe_json())
        return described

    def describe_json(self) -> str:
        """Every connection as a JSON list; only the changing fields are formatted each time."""
        return (
            "["
            + ",".join(
                f'{c.fixed_json},"frames_sent":{c.session.frames_sent},"queue_depth":{c.session.queue_depth},'
                f'"last_seq_sent":{c.session.last_seq_sent}}}'
                for c in self._connections.values()
            )
            + "]"
        )

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
        key = self._keys.gateway_connections(self.process_id)
        snapshot = self.describe_json()
        pipe = self._redis.pipeline(transaction=True)
        pipe.set(key, snapshot, ex=ENTRY_TTL_S)
        pipe.sadd(self._keys.gateway_processes, self.process_id)
        await pipe.execute()


async def all_connections(redis: aioredis.Redis, keys: RedisKeys) -> list[dict[str, Any]]:
    """Every open socket of every live API process (each process refreshes its list every 2 s)."""
    processes = sorted(as_text(member) for member in await redis.smembers(keys.gateway_processes))
    listed: list[dict[str, Any]] = []
    for process in processes:
        raw = await redis.get(keys.gateway_connections(process))
        if raw is None:
            await redis.srem(keys.gateway_processes, process)
            continue
        listed.extend(json.loads(raw))
    return listed
