"""One client socket: snapshot, replay, live frames in order, and the client's own messages.

The socket's own ASGI task reads what the client says (pings, ``resume``) and refuses abuse.
Output has two paths. Once the client is caught up, a live frame goes straight onto the socket
from the fan-out (the same pre-built frame bytes for every socket of the job, no task switch,
no per-socket encoding) as long as the socket's write buffer has room and nothing is waiting.
Everything else — ``connected``, replays, control replies, live frames arriving while those
are under way or while the client is slow — goes into a bounded backlog that a sender task,
started only while there is something to do, writes out in order. A full backlog or a send
stalled for the timeout cuts the client loose with 1013; it resumes by ``seq`` when it
reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from a6hub.gateway import frames
from a6hub.gateway.replay import EventSource, Frame
from a6hub.gateway.wire import text_frame
from a6hub.gateway.wsproto import RAW_FRAMES, RawFrames

log = logging.getLogger(__name__)

CLOSE_NORMAL = 1000
CLOSE_POLICY = 1008
CLOSE_TOO_BIG = 1009
CLOSE_INTERNAL = 1011
CLOSE_TRY_AGAIN = 1013
CLOSE_TOKEN_EXPIRED = 4401
MAX_CLIENT_MESSAGE = 4096
FLOOD_RATE_PER_S = 10.0
FLOOD_BURST = 30.0
SLOW_REASON = "too slow: reconnect with ?since=<last seq> to resume"
STALLED_REASON = "send stalled: reconnect with ?since=<last seq> to resume"

FILL_ATTEMPTS = 5
_CONTROL = 0  # backlog items with this seq carry a control frame, not a job event


class SlowClient(Exception):
    """The client did not take a frame within the send timeout."""


class _Gone(Exception):
    """The socket closed under us."""


class ClientSession:
    """Implements the fan-out's ``Watcher``: ``deliver`` never blocks."""

    __slots__ = (
        "_backlog",
        "_behind",
        "_close",
        "_initial",
        "_last_sent",
        "_live",
        "_on_close",
        "_on_replayed",
        "_queue_size",
        "_raw",
        "_replaying",
        "_resume_from",
        "_send_timeout_s",
        "_sender",
        "_source",
        "_started",
        "_tokens",
        "_tokens_at",
        "connected_at",
        "frames_sent",
        "job_id",
        "websocket",
    )

    def __init__(
        self,
        websocket: WebSocket,
        job_id: int,
        source: EventSource,
        *,
        queue_size: int,
        send_timeout_s: float,
        on_close: Callable[[int], object] | None = None,
        on_replayed: Callable[[int], object] | None = None,
    ) -> None:
        self.websocket = websocket
        self.job_id = job_id
        self.connected_at = time.time()
        self.frames_sent = 0
        self._source = source
        self._queue_size = queue_size
        self._send_timeout_s = send_timeout_s
        self._on_close = on_close
        self._on_replayed = on_replayed
        extensions = websocket.scope.get("extensions") or {}
        self._raw: RawFrames | None = extensions.get(RAW_FRAMES)
        self._backlog: deque[Frame] | None = None  # created when first needed: most sockets never are
        self._sender: asyncio.Task[None] | None = None
        self._started = False
        self._initial: tuple[dict[str, Any], bool] | None = None
        self._live = False
        self._replaying = False
        self._behind = False
        self._last_sent = 0
        self._resume_from: int | None = None
        self._close: tuple[int, str] | None = None
        self._tokens = FLOOD_BURST
        self._tokens_at = time.monotonic()

    @property
    def last_seq_sent(self) -> int:
        return self._last_sent

    @property
    def queue_depth(self) -> int:
        return len(self._backlog) if self._backlog is not None else 0

    @property
    def close_code(self) -> int | None:
        return None if self._close is None else self._close[0]

    # -- the fan-out's side ------------------------------------------------------------------

    def deliver(self, seq: int, payload: str, frame: bytes, last: bool) -> None:
        """Take a live event without blocking: onto the socket if possible, else into the backlog.

        ``last``: the event is the job's ``complete``, after which the socket is closed.
        """
        if self._live:
            raw = self._raw
            assert raw is not None
            if seq == self._last_sent + 1 and raw.write_if_room(frame):
                self._last_sent = seq
                self.frames_sent += 1
                if last:
                    self.request_close(CLOSE_NORMAL, "job finished")
                return
            if seq <= self._last_sent:
                return
        elif self._replaying:
            # The replay reads the store up to the newest event before it stops, so a live frame
            # arriving meanwhile is not queued (a long replay must not look like a slow client).
            self._behind = True
            return
        self._enqueue((seq, payload))

    def request_close(self, code: int, reason: str) -> None:
        """Close the socket with ``code`` once what is being sent is out; later frames are dropped."""
        if self._close is not None:
            return
        self._close = (code, reason)
        self._backlog = None
        if self._on_close is not None:
            self._on_close(code)
        self._wake()

    # -- the endpoint's side -----------------------------------------------------------------

    def start(self, snapshot: dict[str, Any], since: int | None, done: bool) -> None:
        """Send ``connected`` and the replay from ``since`` (if given), then go live."""
        self._last_sent = snapshot["last_seq"] if since is None else since
        self._initial = (snapshot, done)
        self._started = True
        self._wake()

    async def run_receiver(self) -> None:
        """Answer the client's messages until it leaves (or the socket is closed by us)."""
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            if self._close is not None:
                continue
            if not self._take_token():
                self.request_close(CLOSE_POLICY, "too many messages")
                continue
            if message.get("bytes") is not None:
                self._reply(frames.protocol_error("binary frames are not supported; send JSON text"))
                continue
            self._handle_text(message.get("text") or "")

    async def stop(self) -> None:
        """The socket is gone: stop sending."""
        sender = self._sender
        if sender is not None and not sender.done():
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
        self._sender = None  # no cycle through the task's exception

    # -- the sender ----------------------------------------------------------------------------

    def _enqueue(self, frame: Frame) -> None:
        if self._close is not None:
            return
        backlog = self._backlog
        if backlog is None:
            backlog = self._backlog = deque()
        if len(backlog) >= self._queue_size:
            self.request_close(CLOSE_TRY_AGAIN, SLOW_REASON)
            return
        backlog.append(frame)
        self._wake()

    def _wake(self) -> None:
        """Have the sender run (live frames go to the backlog meanwhile); not before ``start``."""
        self._live = False
        if self._started and self._sender is None:
            self._sender = asyncio.get_running_loop().create_task(self._run_sender())

    async def _run_sender(self) -> None:
        try:
            if self._close is None:
                await self._send_pending()
        except SlowClient:
            self.request_close(CLOSE_TRY_AGAIN, STALLED_REASON)
        except (_Gone, OSError, RuntimeError, WebSocketDisconnect):
            self._sender = None
            return  # the socket is gone; its own task sees the disconnect
        except Exception:
            log.exception("job %s: sending to a client failed", self.job_id)
            self.request_close(CLOSE_INTERNAL, "internal error")
        if self._close is not None:
            await self._close_socket()
        self._sender = None

    async def _send_pending(self) -> None:
        if self._initial is not None:
            snapshot, done = self._initial
            self._initial = None
            await self._write(frames.connected(snapshot))
            await self._replay(until=snapshot["last_seq"])
            if self._close is None and done and self._last_sent >= snapshot["last_seq"]:
                self.request_close(CLOSE_NORMAL, "job finished")
        while self._close is None:
            if self._resume_from is not None:
                self._last_sent, self._resume_from = self._resume_from, None
                await self._replay(until=None)
                continue
            if not self._backlog:
                break
            seq, payload = self._backlog.popleft()
            if seq == _CONTROL:
                await self._write(payload)
                continue
            if seq <= self._last_sent:
                continue
            if seq > self._last_sent + 1:
                await self._fill(seq)
                if self._close is not None:
                    break
                if seq <= self._last_sent:  # the replay went on past it (live frames came meanwhile)
                    continue
            await self._write(payload)
            self._last_sent = seq
            if frames.is_complete(payload):
                self.request_close(CLOSE_NORMAL, "job finished")
        if self._close is None:
            self._live = self._raw is not None

    async def _fill(self, seq: int) -> None:
        """Replay what comes before live event ``seq``; never send it over a hole."""
        for attempt in range(FILL_ATTEMPTS):
            await self._replay(until=seq - 1)
            if self._close is not None or self._last_sent >= seq - 1:
                return
            await asyncio.sleep(0.2 * (attempt + 1))  # not readable yet (Redis busy, a commit on its way)
        log.warning(
            "job %s: events %s..%s not readable; client cut", self.job_id, self._last_sent + 1, seq - 1
        )
        self.request_close(CLOSE_TRY_AGAIN, "events not readable: reconnect with ?since=<last seq> to resume")

    async def _replay(self, until: int | None) -> None:
        """Send stored events after the last one sent, up to ``until`` — then on to the newest if
        live frames were passed over meanwhile."""
        self._replaying = True
        try:
            await self._send_stored(until)
            while self._behind and self._close is None:
                self._behind = False
                await self._send_stored(None)
        finally:
            self._replaying = False
            self._behind = False

    async def _send_stored(self, until: int | None) -> None:
        while until is None or self._last_sent < until:
            page = await self._source.read(self.job_id, self._last_sent, until)
            if not page:
                return
            if self._on_replayed is not None:
                self._on_replayed(len(page))
            complete = False
            for count, (_seq, payload) in enumerate(page, 1):
                if frames.is_complete(payload):
                    page, complete = page[:count], True
                    break
            if self._raw is not None:  # the whole page in one write
                await self._write_frames([text_frame(payload.encode()) for _seq, payload in page])
                self._last_sent = page[-1][0]
            else:
                for seq, payload in page:
                    await self._write(payload)
                    self._last_sent = seq
            if complete:
                self.request_close(CLOSE_NORMAL, "job finished")
                return

    async def _write(self, text: str) -> None:
        if self._raw is not None:
            await self._write_frames([text_frame(text.encode())])
            return
        try:
            async with asyncio.timeout(self._send_timeout_s):
                await self.websocket.send_text(text)
        except TimeoutError:
            raise SlowClient from None
        self.frames_sent += 1

    async def _write_frames(self, batch: list[bytes]) -> None:
        raw = self._raw
        assert raw is not None
        if not raw.can_write():
            try:
                async with asyncio.timeout(self._send_timeout_s):
                    await raw.drained()
            except TimeoutError:
                raise SlowClient from None
        if not raw.write_frames(batch):
            raise _Gone
        self.frames_sent += len(batch)

    async def _close_socket(self) -> None:
        assert self._close is not None
        code, reason = self._close
        with contextlib.suppress(OSError, RuntimeError, WebSocketDisconnect):
            await self.websocket.close(code, reason)

    # -- the client's messages -----------------------------------------------------------------

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
        self._wake()

    def _reply(self, text: str) -> None:
        self._enqueue((_CONTROL, text))

    def _take_token(self) -> bool:
        now = time.monotonic()
        self._tokens = min(FLOOD_BURST, self._tokens + (now - self._tokens_at) * FLOOD_RATE_PER_S)
        self._tokens_at = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True
