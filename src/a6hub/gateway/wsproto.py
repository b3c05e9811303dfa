"""uvicorn's WebSocket protocol, made lighter and able to write pre-built frames.

``a6hub api`` runs uvicorn with this class (``ws=`` option). It is uvicorn's default protocol
(websockets-sansio) plus:

- one ASGI scope extension, :data:`RAW_FRAMES`: the protocol itself, as a :class:`RawFrames`.
  The gateway uses it to put the same frame bytes on many sockets with a plain
  ``transport.write`` each, instead of a trip through Starlette, uvicorn and websockets per
  socket and per event. Servers without it (test transports, other servers) get the plain
  ``websocket.send_text`` path.
- a native route (:func:`serve_natively`): the gateway's sockets go straight to its endpoint
  instead of through the application's middleware and router, whose ~25 suspended coroutines
  per open socket would cost ~10 KiB and ~100 objects for the garbage collector to walk.
- lighter stand-ins for the per-socket queue and event, and the handshake's request and
  response let go once accepted.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any, Protocol, cast

from starlette.types import ASGIApp
from uvicorn._types import ASGI3Application, ASGISendEvent
from uvicorn.protocols.http.flow_control import FlowControl
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.utils import is_ssl
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.http11 import Request

RAW_FRAMES = "a6hub.raw_frames"
_native: tuple[re.Pattern[str], ASGIApp] | None = None


def serve_natively(pattern: re.Pattern[str], app: ASGIApp) -> Callable[[], None]:
    """Hand WebSockets whose path matches ``pattern`` straight to ``app`` (with the match's
    groups as ``path_params``), past the main application's middleware and routing; returns a
    function that undoes it. One per process: the last call wins."""
    global _native
    entry = (pattern, app)
    _native = entry

    def undo() -> None:
        global _native
        if _native is entry:
            _native = None

    return undo


class RawFrames(Protocol):
    def can_write(self) -> bool:
        """True while the socket is open and its write buffer is under the high-water mark."""

    def write_frame(self, frame: bytes) -> bool:
        """Queue a complete frame on the socket; False if the socket is closing or gone."""

    def write_if_room(self, frame: bytes) -> bool:
        """``write_frame`` if ``can_write``, in one call (the fan-out's path); False if not written."""

    def write_frames(self, frames: list[bytes]) -> bool:
        """Queue complete frames on the socket, with one system call; False if it is gone."""

    async def drained(self) -> None:
        """Return once the write buffer is under the low-water mark (or the socket is gone)."""


class _Inbox:
    """The part of ``asyncio.Queue`` uvicorn's protocol uses, at a tenth of its memory.

    A socket's inbox is almost always empty and read by one task; an ``asyncio.Queue`` keeps
    three deques (~2.3 KiB) for that, this a list and, while someone waits, a future.
    """

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: list[Any] = []
        self._waiter: asyncio.Future[None] | None = None

    def put_nowait(self, item: Any) -> None:
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)

    def empty(self) -> bool:
        return not self._items

    def qsize(self) -> int:
        return len(self._items)

    async def get(self) -> Any:
        while not self._items:
            waiter = self._waiter
            if waiter is None or waiter.done():
                waiter = self._waiter = asyncio.get_running_loop().create_future()
            await asyncio.shield(waiter)
        return self._items.pop(0)


class _Flag:
    """The part of ``asyncio.Event`` uvicorn's protocol uses (set, clear, is_set, wait), lighter."""

    __slots__ = ("_set", "_waiter")

    def __init__(self) -> None:
        self._set = False
        self._waiter: asyncio.Future[None] | None = None

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        self._set = True
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)

    def clear(self) -> None:
        self._set = False

    async def wait(self) -> bool:
        while not self._set:
            waiter = self._waiter
            if waiter is None or waiter.done():
                waiter = self._waiter = asyncio.get_running_loop().create_future()
            await asyncio.shield(waiter)
        return True


def _addresses(
    transport: asyncio.BaseTransport,
) -> tuple[tuple[str, int | None] | None, tuple[str, int] | None]:
    """The local and peer addresses, from the transport's ``sockname`` and ``peername``.

    uvicorn asks the socket object first, which under uvloop builds a socket from the file
    descriptor: ~0.4 ms per connection here, a third of what accepting a WebSocket costs.
    """
    local: Any = transport.get_extra_info("sockname")
    peer: Any = transport.get_extra_info("peername")
    server: tuple[str, int | None] | None = None
    if isinstance(local, list | tuple) and len(local) >= 2:
        server = (str(local[0]), int(local[1]))
    elif isinstance(local, str):
        server = (local, None)
    client = (str(peer[0]), int(peer[1])) if isinstance(peer, list | tuple) and len(peer) >= 2 else None
    return server, client


class GatewayHttpProtocol(HttpToolsProtocol):
    """uvicorn's HTTP protocol (httptools), looking up its addresses the cheap way."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self.connections.add(self)
        self.transport = transport
        self.flow = FlowControl(transport)
        self.server, self.client = _addresses(transport)
        self.scheme = "https" if is_ssl(transport) else "http"


class GatewayWebSocketProtocol(WebSocketsSansIOProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Lighter stand-ins for the per-socket queue and event (uvicorn uses put_nowait, get,
        # empty; set, clear, is_set, wait): ~3 KiB less per open socket.
        self.queue = _Inbox()  # type: ignore[assignment]
        self.writable = _Flag()  # type: ignore[assignment]
        self.writable.set()
        self._task_done = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.connections.add(self)
        self.transport = cast(asyncio.Transport, transport)
        upgraded = transport.get_protocol()  # the HTTP protocol this connection is upgraded from
        if isinstance(upgraded, HttpToolsProtocol) and upgraded.transport is transport:
            self.server, self.client = upgraded.server, upgraded.client
        else:
            self.server, self.client = _addresses(transport)
        self.scheme = "wss" if is_ssl(self.transport) else "ws"

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)  # builds the scope and schedules the app's task
        scope: dict[str, Any] | None = self.__dict__.get("scope")
        if scope is None:
            return
        scope["extensions"][RAW_FRAMES] = self
        event.headers.clear()  # the scope has its own copy; websockets' parser keeps the request
        native = _native
        if native is not None:
            match = native[0].fullmatch(scope["path"])
            if match is not None:
                scope["path_params"] = match.groupdict()
                self.app = cast(ASGI3Application, native[1])  # this socket's task has not started yet

    # -- letting go of a closed socket ------------------------------------------------------------

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        if self._task_done:
            self._release()

    def on_task_complete(self, task: asyncio.Task[None]) -> None:
        super().on_task_complete(task)
        self._task_done = True
        if self.disconnected:
            self._release()

    def _release(self) -> None:
        """Break the reference cycles a closed socket leaves (transport and protocol, websockets'
        parser and its protocol, our scope extension), so reference counting frees it at once
        instead of a full garbage collection, whose pause grows with every open socket."""
        scope: dict[str, Any] | None = self.__dict__.get("scope")
        if scope is not None:
            scope["extensions"].pop(RAW_FRAMES, None)
        self.conn.parser = iter(())  # type: ignore[assignment]
        self.conn.parser_exc = None
        self.__dict__.pop("transport", None)

    async def send(self, message: ASGISendEvent) -> None:
        await super().send(message)
        if message["type"] == "websocket.accept" and self.handshake_complete:
            # The handshake's request and response are not needed past this point.
            self.__dict__.pop("request", None)
            self.__dict__.pop("response", None)

    def can_write(self) -> bool:
        return self.writable.is_set() and not (self.close_sent or self.disconnected)

    def write_frame(self, frame: bytes) -> bool:
        if self.close_sent or self.disconnected:
            return False
        self.transport.write(frame)
        return True

    def write_if_room(self, frame: bytes) -> bool:
        if self.close_sent or self.disconnected or not self.writable.is_set():
            return False
        self.transport.write(frame)
        return True

    def write_frames(self, frames: list[bytes]) -> bool:
        if self.close_sent or self.disconnected:
            return False
        self.transport.writelines(frames)
        return True

    async def drained(self) -> None:
        await self.writable.wait()
