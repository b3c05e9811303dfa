"""A TCP proxy in front of the API process that can cut WebSockets mid-stream or refuse them.

Plain HTTP passes through untouched. A WebSocket upgrade is either answered 403 (as some
corporate proxies do) or forwarded; forwarded ones can be cut after a number of bytes toward
the client: once a socket is ``cut_after_s`` old, the next chunk from the hub is forwarded only
in half (so the cut lands inside a frame) and both TCP connections are aborted.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field

HEAD_END = b"\r\n\r\n"


@dataclass
class Proxy:
    upstream_port: int
    refuse_websockets: bool = False
    cut_after_s: float | None = None
    max_cuts: int = 0
    stall_after_s: float | None = None  # then swallow what the hub sends (the socket stays open)
    max_stalls: int = 0
    stalls: int = 0
    cuts: list[float] = field(default_factory=list)  # time.time() of each cut
    refused: int = 0
    websockets: int = 0
    forwarded: list[int] = field(default_factory=list)  # bytes toward the client, per WebSocket
    port: int = 0
    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def __aenter__(self) -> Proxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *_exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.create_task(self._serve(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(HEAD_END)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            writer.close()
            return
        upgrade = b"upgrade: websocket" in head.lower()
        if upgrade and self.refuse_websockets:
            self.refused += 1
            writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        up_writer.write(head)
        deadline = stall_at = None
        if upgrade:
            self.websockets += 1
            if self.cut_after_s is not None and len(self.cuts) < self.max_cuts:
                deadline = time.monotonic() + self.cut_after_s
            if self.stall_after_s is not None and self.stalls < self.max_stalls:
                self.stalls += 1
                stall_at = time.monotonic() + self.stall_after_s
        upstream = asyncio.create_task(self._pipe(reader, up_writer))
        try:
            sent = await self._pipe(up_reader, writer, deadline, stall_at)
            if upgrade:
                self.forwarded.append(sent)
        finally:
            upstream.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await upstream
            for end in (writer, up_writer):
                end.transport.abort()

    async def _pipe(
        self,
        source: asyncio.StreamReader,
        sink: asyncio.StreamWriter,
        deadline: float | None = None,
        stall_at: float | None = None,
    ) -> int:
        """Copy bytes; past the deadline, forward half a chunk, count a cut and stop; past
        ``stall_at``, forward nothing more."""
        sent = 0
        with contextlib.suppress(ConnectionError, RuntimeError):
            while data := await source.read(4096):
                if stall_at is not None and time.monotonic() >= stall_at:
                    continue
                if deadline is not None and time.monotonic() >= deadline and len(self.cuts) < self.max_cuts:
                    sink.write(data[: len(data) // 2])
                    await sink.drain()
                    self.cuts.append(time.time())
                    return sent + len(data) // 2
                sink.write(data)
                await sink.drain()
                sent += len(data)
            if sink.can_write_eof():
                sink.write_eof()
        return sent
