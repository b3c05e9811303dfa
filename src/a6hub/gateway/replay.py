"""Reading past events: hot from the job's Redis stream, else durably from the database."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import redis.asyncio as aioredis
from starlette.concurrency import run_in_threadpool

from a6hub.adapters.bus.keys import STREAM_FIELD, RedisKeys, stream_id
from a6hub.adapters.db.engine import Database
from a6hub.adapters.db.event_store import read_event_payloads
from a6hub.gateway.frames import seq_of

Frame = tuple[int, str]
PAGE = 500


class EventSource:
    def __init__(
        self, redis: aioredis.Redis, keys: RedisKeys, db: Database, *, on_db_read: Callable[[], None]
    ) -> None:
        self._redis = redis
        self._keys = keys
        self._db = db
        self._on_db_read = on_db_read
        self._reading: dict[tuple[int, int, int], asyncio.Future[list[Frame]]] = {}

    async def read(self, job_id: int, since: int, until: int | None = None, limit: int = PAGE) -> list[Frame]:
        """Events ``since < seq <= until``, in order and contiguous from ``since + 1``, at most ``limit``."""
        frames = await self._from_stream(job_id, since, limit)
        if not frames or frames[0][0] != since + 1:
            frames = await self._from_database(job_id, since, limit)
        frames = _contiguous(frames, since)
        if until is not None:
            frames = [frame for frame in frames if frame[0] <= until]
        return frames

    async def _from_stream(self, job_id: int, since: int, limit: int) -> list[Frame]:
        """Sockets of a job resuming together (a reconnect storm) share one read of the stream."""
        key = (job_id, since, limit)
        reading = self._reading.get(key)
        if reading is None:
            reading = asyncio.ensure_future(self._read_stream(job_id, since, limit))
            self._reading[key] = reading
            reading.add_done_callback(lambda _done: self._reading.pop(key, None))
        return await asyncio.shield(reading)

    async def _read_stream(self, job_id: int, since: int, limit: int) -> list[Frame]:
        try:
            entries = await self._redis.xrange(
                self._keys.events_stream(job_id), min=stream_id(since + 1), max="+", count=limit
            )
        except (aioredis.ConnectionError, aioredis.TimeoutError):
            return []
        frames = []
        for _entry_id, fields in entries or []:
            payload = as_text((fields or {})[STREAM_FIELD.encode()])
            frames.append((seq_of(payload), payload))
        return frames

    async def _from_database(self, job_id: int, since: int, limit: int) -> list[Frame]:
        self._on_db_read()

        def load() -> list[str]:
            with self._db.session() as session:
                return read_event_payloads(session, job_id, since, limit)

        return [(seq_of(payload), payload) for payload in await run_in_threadpool(load)]


def as_text(value: bytes | str | None) -> str:
    if isinstance(value, bytes):
        return value.decode()
    return value or ""


def _contiguous(frames: list[Frame], since: int) -> list[Frame]:
    """The leading run of frames numbered since+1, since+2, ... (a stream may hold holes)."""
    run = []
    for seq, payload in frames:
        if seq != since + 1:
            break
        run.append((seq, payload))
        since = seq
    return run
