"""A job's events as an async iterator: WebSocket first, resumed by ``seq``, polling as a fallback.

Each event after ``since`` is yielded exactly once and in order, however often the connection
drops: the stream remembers the last ``seq`` and reconnects with ``?since=<last seq>``. If the
socket cannot be opened at all (a proxy refusing upgrades, an old hub), it polls
``GET …/events?since=`` instead. A socket silent for ``stall_s`` is replaced the same way (a
stalled relay then costs a delay, never an event). It ends after the ``complete`` event.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncGenerator
from typing import Any, Literal

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.typing import Subprotocol

from a6hub.client.errors import A6hubError, HubUnreachable, error_for_close, error_for_response, unreachable
from a6hub.client.models import TERMINAL_STATUSES, Event

BACKOFF_S = (0.2, 0.5, 1.0, 2.0, 3.0, 5.0)
MAX_FRAME_BYTES = 64 * 1024 * 1024
POLL_PAGE = 1000
CLOSE_WAIT_S = 2.0
STALL_S = 30.0  # no frame for this long: reconnect with since=, in case a relay stalled
OPEN_FAILURES_BEFORE_POLLING = 3
FRUITLESS_RECONNECTS_BEFORE_POLLING = 5
_CANNOT_OPEN = (OSError, TimeoutError, InvalidHandshake, InvalidURI)

Transport = Literal["auto", "websocket", "poll"]


class EventStream:
    """Iterate it once with ``async for``. ``last_seq``, ``mode`` and ``reconnects`` say how it went."""

    def __init__(
        self,
        url: str,
        token: str,
        job_id: int,
        *,
        since: int = 0,
        transport: Transport = "auto",
        poll_interval: float = 1.0,
        give_up_after_s: float = 60.0,
        stall_s: float = STALL_S,
        user_agent: str = "a6hub-client",
    ) -> None:
        self.url = url.rstrip("/")
        self.job_id = job_id
        self.last_seq = since
        self.mode: Literal["websocket", "polling"] = "polling" if transport == "poll" else "websocket"
        self.reconnects = 0
        self.snapshot: dict[str, Any] | None = None
        self._token = token
        self._transport = transport
        self._poll_interval = poll_interval
        self._give_up_after_s = give_up_after_s
        self._stall_s = stall_s
        self._user_agent = user_agent
        self._finished = False
        self._opened = False
        self._failures = 0

    def __aiter__(self) -> AsyncGenerator[Event, None]:
        return self._events()

    async def _events(self) -> AsyncGenerator[Event, None]:
        # One generator, no nested ones: breaking out of ``async for`` (or loop shutdown) closes
        # it, and its ``finally`` closes the socket.
        connection: ClientConnection | None = None
        try:
            while self._transport != "poll" and not self._finished:
                if connection is None:
                    connection = await self._connect()
                    if connection is None:
                        break
                try:
                    raw = await asyncio.wait_for(connection.recv(), self._stall_s)
                except TimeoutError:  # silent for long: resume on a fresh socket, cheap and safe
                    await connection.close()
                    connection = None
                    continue
                except ConnectionClosed:
                    reconnect = await self._after_close(connection)
                    connection = None
                    if not reconnect:
                        break
                    continue
                event = self._take(raw)
                if event is not None:
                    self._failures = 0
                    yield event
            if self._finished:
                if connection is not None:  # after ``complete`` the hub closes (1000): let it
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(connection.wait_closed(), CLOSE_WAIT_S)
                return
            if self._transport == "websocket":
                raise HubUnreachable(f"cannot open the WebSocket of job {self.job_id} at {self.url}")
            self.mode = "polling"
            headers = {"Authorization": f"Bearer {self._token}", "User-Agent": self._user_agent}
            async with httpx.AsyncClient(base_url=f"{self.url}/api/v1", headers=headers, timeout=30) as http:
                project_id = int((await self._get(http, f"/jobs/{self.job_id}"))["project_id"])
                path = f"/projects/{project_id}/jobs/{self.job_id}/events"
                while not self._finished:
                    events, full = await self._poll(http, path)
                    for event in events:
                        yield event
                    if not full and not self._finished:
                        await asyncio.sleep(self._poll_interval)
        finally:
            if connection is not None:
                await connection.close()

    # -- WebSocket ---------------------------------------------------------------------------

    def _ws_url(self) -> str:
        base = self.url.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
        return f"{base}/api/v1/ws/jobs/{self.job_id}/updates?since={self.last_seq}"

    async def _connect(self) -> ClientConnection | None:
        """An open socket resuming after ``last_seq``, or ``None``: fall back to polling."""
        while True:
            try:
                connection = await connect(
                    self._ws_url(),
                    subprotocols=[Subprotocol("bearer"), Subprotocol(self._token)],
                    open_timeout=10,
                    close_timeout=1,
                    max_size=MAX_FRAME_BYTES,
                    max_queue=64,
                    user_agent_header=self._user_agent,
                )
            except _CANNOT_OPEN:
                self._failures += 1
                if not self._opened or self._failures >= OPEN_FAILURES_BEFORE_POLLING:
                    return None
                await asyncio.sleep(_backoff(self._failures))
                continue
            if self._opened:
                self.reconnects += 1
            self._opened = True
            return connection

    async def _after_close(self, connection: ClientConnection) -> bool:
        """Raise what a 44xx close means; ``True`` to reconnect (after a backoff), else stop."""
        close = connection.close_code
        error = error_for_close(close, connection.close_reason or "") if close is not None else None
        if error is not None:
            raise error
        if close == 1000 and self._ended_before_since():
            self._finished = True
            return False
        self._failures += 1
        if self._failures >= FRUITLESS_RECONNECTS_BEFORE_POLLING:
            return False
        await asyncio.sleep(_backoff(self._failures))
        return True

    def _take(self, raw: str | bytes) -> Event | None:
        """The job event in a frame, if it is new; ``connected`` updates the snapshot."""
        try:
            message = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(message, dict):
            return None
        if message.get("type") == "connected" and isinstance(message.get("data"), dict):
            self.snapshot = message["data"]
            return None
        return self._accept(message)

    def _accept(self, message: dict[str, Any]) -> Event | None:
        seq = message.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or seq <= self.last_seq:
            return None
        event = Event.from_message(message)
        self.last_seq = seq
        if event.type == "complete":
            self._finished = True
        return event

    def _ended_before_since(self) -> bool:
        """The job was over and nothing after ``since`` is left (so no ``complete`` will come)."""
        snapshot = self.snapshot or {}
        return snapshot.get("status") in TERMINAL_STATUSES and self.last_seq >= int(
            snapshot.get("last_seq", 0)
        )

    # -- polling -----------------------------------------------------------------------------

    async def _poll(self, http: httpx.AsyncClient, path: str) -> tuple[list[Event], bool]:
        """The new events of one page, and whether the page was full (more may be waiting)."""
        page = await self._get(http, path, since=self.last_seq, limit=POLL_PAGE)
        messages = [message for message in page.get("events", []) if isinstance(message, dict)]
        events = []
        for message in messages:
            event = self._accept(message)
            if event is not None:
                events.append(event)
            if self._finished:
                break
        if page.get("done"):
            self._finished = True
        return events, len(messages) >= POLL_PAGE

    async def _get(self, http: httpx.AsyncClient, path: str, **params: Any) -> dict[str, Any]:
        """GET with retries while the hub is unreachable (up to ``give_up_after_s``)."""
        started, attempt = time.monotonic(), 0
        while True:
            try:
                response = await http.get(path, params=params or None)
            except httpx.TransportError as exc:
                attempt += 1
                if time.monotonic() - started > self._give_up_after_s:
                    raise unreachable(self.url, exc) from exc
                await asyncio.sleep(_backoff(attempt))
                continue
            if response.status_code >= 500 and time.monotonic() - started <= self._give_up_after_s:
                attempt += 1
                await asyncio.sleep(_backoff(attempt))
                continue
            if response.is_error:
                raise error_for_response(response)
            body = response.json()
            if not isinstance(body, dict):
                raise A6hubError(f"unexpected answer from {self.url}{path}")
            return body


def _backoff(attempt: int) -> float:
    return BACKOFF_S[min(attempt, len(BACKOFF_S)) - 1]
