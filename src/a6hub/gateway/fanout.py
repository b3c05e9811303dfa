"""One Redis subscription per job channel per process, fanned out to every local watcher.

A single listener task keeps the process's one pub/sub connection (see ``pubsub``), whose
messages are dispatched as soon as they are read. Each job channel keeps the next ``seq`` it
expects: duplicates are dropped, and a hole (a message lost while Redis was away, or
published out of order) is filled from the stream or the database before anything later goes
out. Watchers get events in order, each the very text that came from Redis (never
re-encoded), with its WebSocket frame built once for all of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Protocol

from a6hub.adapters.bus.keys import RedisKeys
from a6hub.gateway.frames import event_age_s, is_complete, seq_of
from a6hub.gateway.metrics import GatewayMetrics
from a6hub.gateway.pubsub import PubSubClient
from a6hub.gateway.replay import PAGE, EventSource
from a6hub.gateway.wire import text_frame

log = logging.getLogger(__name__)
SUBSCRIBE_TIMEOUT_S = 10.0


class Watcher(Protocol):
    def deliver(self, seq: int, payload: str, frame: bytes, last: bool) -> None:
        """Take an event without blocking; ``frame`` is its WebSocket frame, shared by all watchers.

        ``last`` is true for the job's ``complete`` event."""


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
        self.catch_up_when_subscribed = False

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
        pending = self._pending
        while self._next_seq in pending:
            seq = self._next_seq
            payload = pending.pop(seq)
            frame = text_frame(payload.encode())  # built once for every watcher
            last = is_complete(payload)
            for watcher in tuple(self.watchers):
                watcher.deliver(seq, payload, frame, last)
            self._metrics.dispatch.observe_age(event_age_s(payload))
            self._next_seq = seq + 1

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
    def __init__(self, redis_url: str, keys: RedisKeys, source: EventSource, metrics: GatewayMetrics) -> None:
        self._url = redis_url
        self._metrics = metrics
        self._keys = keys
        self._source = source
        self._channels: dict[int, JobChannel] = {}
        self._by_name: dict[bytes, JobChannel] = {}
        self._confirmations_due: dict[bytes, int] = {}
        self._client: PubSubClient | None = None
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
                name = self._keys.updates_channel(job_id)
                self._by_name[name.encode()] = channel
                self._metrics.subscriptions.inc()
                self._ensure_listener()
                if self._client is not None and self._client.is_open:
                    self._subscribe(self._client, [name])
                # else: the listener subscribes to every channel once it is connected
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
                name = self._keys.updates_channel(job_id)
                self._by_name.pop(name.encode(), None)
                self._metrics.subscriptions.dec()
                if self._client is not None:
                    with contextlib.suppress(ConnectionError):
                        self._client.unsubscribe(name)

    def _subscribe(self, client: PubSubClient, names: list[str]) -> None:
        for name in names:
            key = name.encode()
            self._confirmations_due[key] = self._confirmations_due.get(key, 0) + 1
        client.subscribe(*names)

    def _ensure_listener(self) -> None:
        if self._listener is None or self._listener.done():
            self._listener = asyncio.get_running_loop().create_task(self._listen())

    async def _listen(self) -> None:
        """Keep one subscriber connection, subscribed to every watched job; reconnect when it drops."""
        reconnecting = False
        while True:
            client = PubSubClient(self._url, self._on_message, self._on_subscribed)
            try:
                await client.connect()
                self._client = client
                self._confirmations_due.clear()
                if reconnecting:
                    for channel in self._channels.values():
                        channel.catch_up_when_subscribed = True
                names = [self._keys.updates_channel(job_id) for job_id in self._channels]
                if names:
                    self._subscribe(client, names)
                await client.run()
            except (ConnectionError, TimeoutError, OSError) as exc:
                log.warning("gateway: Redis pub/sub connection lost (%s); resubscribing", exc)
            finally:
                self._client = None
                client.close()
            reconnecting = True
            await asyncio.sleep(0.5)

    def _on_message(self, name: bytes, data: bytes) -> None:
        channel = self._by_name.get(name)
        if channel is None:
            return
        self._metrics.dispatch.events_in += 1
        channel.receive(data.decode())

    def _on_subscribed(self, name: bytes) -> None:
        due = self._confirmations_due.get(name, 0) - 1
        if due > 0:
            self._confirmations_due[name] = due  # an older SUBSCRIBE of the same channel
            return
        self._confirmations_due.pop(name, None)
        channel = self._by_name.get(name)
        if channel is None:
            return
        channel.ready.set()
        if channel.catch_up_when_subscribed:
            channel.catch_up_when_subscribed = False
            channel.request_catch_up()

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        if self._client is not None:
            self._client.close()
