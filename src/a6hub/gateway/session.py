"""One client socket: snapshot, replay, live frames in order, and the client's own messages.

A sender task owns the socket's output and a bounded queue; the receive loop answers pings,
handles ``resume`` and refuses abuse. A full queue or a stalled send cuts the client loose
with 1013; it resumes by ``seq`` when it reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from a6hub.gateway import frames
from a6hub.gateway.replay import EventSource, Frame

CLOSE_NORMAL = 1000
CLOSE_POLICY = 1008
CLOSE_TOO_BIG = 1009
CLOSE_TRY_AGAIN = 1013
CLOSE_TOKEN_EXPIRED = 4401
MAX_CLIENT_MESSAGE = 4096
FLOOD_RATE_PER_S = 10.0
FLOOD_BURST = 30.0

_CONTROL = 0  # queue items with this seq carry a control frame, not a job event
_WAKE = -1  # queue items with this seq only wake the sender (resume, expiry)


@dataclass
class SessionStats:
    connected_at: float = field(default_factory=time.time)
    frames_sent: int = 0
    last_seq_sent: int = 0


class ClientSession:
    """Implements the fan-out's ``Watcher``: ``deliver`` never blocks."""

    def __init__(
        self,
        websocket: WebSocket,
        job_id: int,
        source: EventSource,
        *,
        queue_size: int,
        send_timeout_s: float,
        on_replayed: Callable[[int], object] = lambda _count: None,
    ) -> None:
        self.websocket = websocket
        self._on_replayed = on_replayed
        self.job_id = job_id
        self.stats = SessionStats()
        self._source = source
        self._queue: asyncio.Queue[Frame] = asyncio.Queue(maxsize=queue_size)
        self._send_timeout_s = send_timeout_s
        self._resume_from: int | None = None
        self._close: tuple[int, str] | None = None
        self._completed = False
        self._replaying = False
        self._behind = False
        self._tokens = FLOOD_BURST
        self._tokens_at = time.monotonic()

    def pending_close_code(self) -> int | None:
        return None if self._close is None else self._close[0]

    def close_reason(self, code: int) -> str:
        if self._close is not None and self._close[0] == code:
            return self._close[1]
        return "job finished" if code == CLOSE_NORMAL else ""

    @property
    def queue_depth(self) -> int:
        return self._queue.qsize()

    def deliver(self, frame: Frame) -> None:
        if self._replaying and frame[0] > 0:
            # Replay reads the store up to the newest event before it stops, so a live frame
            # arriving meanwhile is not queued (a long replay must not look like a slow client).
            self._behind = True
            return
        try:
            self._queue.put_nowait(frame)
        except asyncio.QueueFull:
            self.request_close(CLOSE_TRY_AGAIN, "too slow: reconnect with ?since=<last seq> to resume")

    def request_close(self, code: int, reason: str) -> None:
        if self._close is None:
            self._close = (code, reason)
        with contextlib.suppress(asyncio.QueueFull):
            self._queue.put_nowait((_WAKE, ""))
        self._wake_sender_even_if_full()

    def _wake_sender_even_if_full(self) -> None:
        if self._queue.full():
            # Make room for the wake-up: the client is being closed, its backlog is moot.
            with contextlib.suppress(asyncio.QueueEmpty):
                self._queue.get_nowait()
            self._queue.put_nowait((_WAKE, ""))

    # -- sending ---------------------------------------------------------------------------

    async def run_sender(self, snapshot: dict[str, Any], since: int | None, done: bool) -> int | None:
        """Send ``connected``, the replay, then live frames; returns the close code to use."""
        last_sent = snapshot["last_seq"] if since is None else since
        await self._send(frames.connected(snapshot))
        last_sent = await self._replay(last_sent, until=snapshot["last_seq"])
        if self._completed or (done and last_sent >= snapshot["last_seq"]):
            return CLOSE_NORMAL
        while True:
            seq, payload = await self._queue.get()
            if self._close is not None:
                return self._close[0]
            if seq == _CONTROL:
                await self._send(payload)
                continue
            if seq == _WAKE:
                if self._resume_from is not None:
                    last_sent, self._resume_from = await self._replay(self._resume_from, until=None), None
                    if self._completed:
                        return CLOSE_NORMAL
                continue
            if seq <= last_sent:
                continue
            if seq > last_sent + 1:
                last_sent = await self._replay(last_sent, until=seq - 1)
                if self._completed:
                    return CLOSE_NORMAL
                if seq <= last_sent:
                    continue
            await self._send_event(seq, payload)
            last_sent = seq
            if frames.is_complete(payload):
                return CLOSE_NORMAL

    async def _replay(self, since: int, until: int | None) -> int:
        """Send stored events after ``since`` (up to ``until``, then on to the newest if live frames
        were skipped meanwhile); returns the last seq sent."""
        self._replaying = True
        try:
            since = await self._send_stored(since, until)
            while self._behind and not self._completed:
                self._behind = False
                since = await self._send_stored(since, None)
            return since
        finally:
            self._replaying = False

    async def _send_stored(self, since: int, until: int | None) -> int:
        while until is None or since < until:
            page = await self._source.read(self.job_id, since, until)
            if not page:
                return since
            self._on_replayed(len(page))
            for seq, payload in page:
                await self._send_event(seq, payload)
                since = seq
                if frames.is_complete(payload):
                    self._completed = True
                    return since
        return since

    async def _send_event(self, seq: int, payload: str) -> None:
        await self._send(payload)
        self.stats.last_seq_sent = seq

    async def _send(self, text: str) -> None:
        try:
            async with asyncio.timeout(self._send_timeout_s):
                await self.websocket.send_text(text)
        except TimeoutError:
            self._close = (CLOSE_TRY_AGAIN, "send stalled: reconnect with ?since=<last seq> to resume")
            raise SlowClient from None
        self.stats.frames_sent += 1

    # -- receiving -------------------------------------------------------------------------

    async def run_receiver(self) -> None:
        """Answer the client's messages until it leaves or breaks the rules."""
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                raise WebSocketDisconnect(message.get("code", 1000))
            if not self._take_token():
                self.request_close(CLOSE_POLICY, "too many messages")
                return
            if message.get("bytes") is not None:
                self._reply(frames.protocol_error("binary frames are not supported; send JSON text"))
                continue
            self._handle_text(message.get("text") or "")

    def _handle_text(self, text: str) -> None:
        if len(text) > MAX_CLIENT_MESSAGE:
            self.request_close(CLOSE_TOO_BIG, "message too big")
            return
        try:
            message = json.loads(text)
        except ValueError:
            self._reply(frames.protocol_error('malformed message: expected JSON like {"type": "ping"}'))
            return
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "ping":
            self._reply(frames.pong())
        elif kind == "resume":
            self._resume(message.get("since"))
        else:
            self._reply(frames.protocol_error(f"unknown message type {kind!r}; expected 'ping' or 'resume'"))

    def _resume(self, since: object) -> None:
        if not isinstance(since, int) or isinstance(since, bool) or since < 0:
            self._reply(frames.protocol_error("resume needs 'since': a non-negative integer seq"))
            return
        self._resume_from = since
        self.deliver((_WAKE, ""))

    def _reply(self, text: str) -> None:
        self.deliver((_CONTROL, text))

    def _take_token(self) -> bool:
        now = time.monotonic()
        self._tokens = min(FLOOD_BURST, self._tokens + (now - self._tokens_at) * FLOOD_RATE_PER_S)
        self._tokens_at = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True


class SlowClient(Exception):
    """The client did not take a frame within the send timeout."""
