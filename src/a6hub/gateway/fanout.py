"""One Redis subscription per job channel per process, fanned out to every local watcher.

A single listener task reads the process's one pub/sub connection. Each job channel keeps
the next ``seq`` it expects: duplicates are dropped, and a hole (a message lost while Redis
was away, or published out of order) is filled from the stream or the database before
anything later goes out. Watchers get frames in order, each frame the very string that
came from Redis (never re-encoded), through a bounded queue they drain themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Protocol

import redis.asyncio as aioredis

from a6hub.adapters.bus.keys import RedisKeys
from a6hub.gateway.frames import event_age_s, seq_of
from a6hub.gateway.metrics import GatewayMetrics
from a6hub.gateway.replay import PAGE, EventSource, Frame

log = logging.getLogger(__name__)
SUBSCRIBE_TIMEOUT_S = 10.0


class Watcher(Protocol):
    def deliver(self, frame: Frame) -> None:
        """Take a frame without blocking (a full queue marks the watcher as too slow)."""


class JobChannel:
    def __init__(self, job_id: int, source: EventSource, metrics: GatewayMetrics) -> None:
        self.job_id = job_id
        self._metrics = metrics
        self.watchers: set[Watcher] = set()
        self.ready = asyncio.Event()
        self._source = source
        self._next_seq: int | None = None
        self._pending: dict[int, str] = {}
        self._filling = False
        self._catch_up = False

    def start_at(self, last_seq: int) -> None:
        """Set where the channel starts, from the first watcher's snapshot taken after subscribing."""
        if self._next_seq is not None:
            return
        self._next_seq = last_seq + 1
        for seq in [seq for seq in self._pending if seq < self._next_seq]:
            del self._pending[seq]
        self._advance()

    def receive(self, payload: str) -> None:
        seq = seq_of(payload)
        if self._next_seq is not None and seq < self._next_seq:
            return
        self._pending[seq] = payload
        if self._next_seq is not None:
            self._advance()

    def request_catch_up(self) -> None:
        """Look in the stream or database for events that may have been missed (after a reconnect)."""
        if self._next_seq is not None:
            self._catch_up = True
            self._start_filling()

    def _advance(self) -> None:
        self._drain()
        if self._pending:
            self._start_filling()

    def _start_filling(self) -> None:
        if not self._filling:
            self._filling = True
            asyncio.get_running_loop().create_task(self._fill_gap())

    def _drain(self) -> None:
        assert self._next_seq is not None
        while self._next_seq in self._pending:
            frame = (self._next_seq, self._pending.pop(self._next_seq))
            for watcher in tuple(self.watchers):
                watcher.deliver(frame)
            self._metrics.latency.observe(event_age_s(frame[1]))
            self._next_seq += 1

    async def _fill_gap(self) -> None:
        try:
            while self._next_seq is not None and (self._pending or self._catch_up):
                catch_up, self._catch_up = self._catch_up, False
                until = None if catch_up or not self._pending else min(self._pending) - 1
                frames = await self._source.read(self.job_id, self._next_seq - 1, until)
                for seq, payload in frames:
                    self._pending.setdefault(seq, payload)
                self._drain()
                self._catch_up = self._catch_up or (catch_up and len(frames) == PAGE)
                if self._pending and not frames:
                    log.warning("job %s: event %s not readable yet; retrying", self.job_id, self._next_seq)
                    await asyncio.sleep(0.2)
        finally:
            self._filling = False


class Fanout:
    def __init__(
        self, redis: aioredis.Redis, keys: RedisKeys, source: EventSource, metrics: GatewayMetrics
    ) -> None:
        self._redis = redis
        self._metrics = metrics
        self._keys = keys
        self._source = source
        self._pubsub = redis.pubsub()
        self._channels: dict[int, JobChannel] = {}
        self._lock = asyncio.Lock()
        self._listener: asyncio.Task[None] | None = None

    @property
    def subscriptions(self) -> int:
        return len(self._channels)

    @contextlib.asynccontextmanager
    async def watch(self, job_id: int, watcher: Watcher) -> AsyncIterator[JobChannel]:
        """Receive the job's live frames until the block ends; subscribed before it is entered."""
        channel = await self._join(job_id, watcher)
        try:
            yield channel
        finally:
            await self._leave(job_id, watcher)

    async def _join(self, job_id: int, watcher: Watcher) -> JobChannel:
        async with self._lock:
            channel = self._channels.get(job_id)
            if channel is None:
                channel = self._channels[job_id] = JobChannel(job_id, self._source, self._metrics)
                self._metrics.subscriptions.inc()
                await self._pubsub.subscribe(self._keys.updates_channel(job_id))
                self._ensure_listener()
            channel.watchers.add(watcher)
        await asyncio.wait_for(channel.ready.wait(), SUBSCRIBE_TIMEOUT_S)
        return channel

    async def _leave(self, job_id: int, watcher: Watcher) -> None:
        async with self._lock:
            channel = self._channels.get(job_id)
            if channel is None:
                return
            channel.watchers.discard(watcher)
            if not channel.watchers:
                del self._channels[job_id]
                self._metrics.subscriptions.dec()
                with contextlib.suppress(aioredis.ConnectionError, aioredis.TimeoutError):
                    await self._pubsub.unsubscribe(self._keys.updates_channel(job_id))

    def _ensure_listener(self) -> None:
        if self._listener is None or self._listener.done():
            self._listener = asyncio.get_running_loop().create_task(self._listen())

    async def _listen(self) -> None:
        while True:
            try:
                await self._read_messages()
            except asyncio.CancelledError:
                raise
            except (aioredis.ConnectionError, aioredis.TimeoutError, OSError) as exc:
                log.warning("gateway: Redis pub/sub connection lost (%s); resubscribing", exc)
                await asyncio.sleep(0.5)
                await self._resubscribe()

    async def _read_messages(self) -> None:
        while True:
            if not self._pubsub.subscribed:
                await asyncio.sleep(0.05)
                continue
            message = await self._pubsub.get_message(timeout=1.0)
            if message is not None:
                self._dispatch(message)

    def _dispatch(self, message: dict[str, object]) -> None:
        kind = message["type"]
        name = message["channel"]
        channel_name = name.decode() if isinstance(name, bytes) else str(name)
        channel = self._channels.get(self._keys.job_id_from_channel(channel_name))
        if channel is None:
            return
        if kind == "subscribe":
            channel.ready.set()
        elif kind == "message":
            self._metrics.events_in.inc()
            data = message["data"]
            channel.receive(data.decode() if isinstance(data, bytes) else str(data))

    async def _resubscribe(self) -> None:
        """After a reconnect: subscribe again and have every channel check for what it missed."""
        with contextlib.suppress(aioredis.ConnectionError, aioredis.TimeoutError, OSError):
            await self._pubsub.reset()
        self._pubsub = self._redis.pubsub()
        names = [self._keys.updates_channel(job_id) for job_id in self._channels]
        if names:
            await self._pubsub.subscribe(*names)
        for channel in self._channels.values():
            channel.request_catch_up()

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        await self._pubsub.aclose()  # type: ignore[no-untyped-call]
