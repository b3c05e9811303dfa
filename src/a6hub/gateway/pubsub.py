"""A Redis connection in subscriber mode that hands each message on as soon as it is read.

The fan-out's input: one connection per API process, subscribed to the channel of every job
watched here. redis-py's ``PubSub.get_message`` costs ~20 µs of CPU per message (an await
chain, a timeout and a parser call per RESP element); this client parses every message in
a read with a tight loop in ``data_received`` and calls back synchronously, a few µs each.
It speaks RESP2 and understands the same URLs as redis-py (``redis://``, ``rediss://``,
``unix://``, with user and password). A connection silent for ``PING_EVERY_S`` is pinged;
no answer within ``PING_TIMEOUT_S`` counts as lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections.abc import Callable
from typing import Any, cast

from redis.asyncio.connection import SSLConnection, parse_url

PING_EVERY_S = 30.0
PING_TIMEOUT_S = 10.0
_CRLF = b"\r\n"


def command(*args: bytes) -> bytes:
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        parts.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
    return b"".join(parts)


class PubSubLost(ConnectionError):
    """The subscriber connection closed, failed or stopped answering."""


class _Subscriber(asyncio.Protocol):
    def __init__(self, client: PubSubClient) -> None:
        self._client = client
        self._buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's are not subclasses

    def connection_lost(self, exc: Exception | None) -> None:
        self._client._lost(exc)

    def data_received(self, data: bytes) -> None:
        self._client.last_data_at = time.monotonic()
        buffer = self._buffer
        buffer += data
        used = _parse_replies(buffer, self._client._reply)
        if used:
            del buffer[:used]


def _parse_replies(buffer: bytearray, handle: Callable[[list[bytes] | bytes], None]) -> int:
    """Hand every complete reply in ``buffer`` to ``handle``; return how many bytes they took."""
    size = len(buffer)
    position = 0
    while position < size:
        end = buffer.find(_CRLF, position)
        if end < 0:
            break
        kind = buffer[position]
        if kind not in (0x2A, 0x3E):  # not '*' or '>': a simple reply (+OK, -ERR, :1, $...)
            if kind == 0x24:  # '$' bulk string
                length = int(buffer[position + 1 : end])
                if length < 0:
                    handle(b"")
                    position = end + 2
                    continue
                stop = end + 2 + length
                if stop + 2 > size:
                    break
                handle(bytes(buffer[end + 2 : stop]))
                position = stop + 2
                continue
            handle(bytes(buffer[position:end]))
            position = end + 2
            continue
        count = int(buffer[position + 1 : end])
        items: list[bytes] = []
        cursor = end + 2
        complete = True
        for _ in range(count):
            if cursor >= size:
                complete = False
                break
            item_end = buffer.find(_CRLF, cursor)
            if item_end < 0:
                complete = False
                break
            if buffer[cursor] == 0x24:  # '$' bulk string
                length = int(buffer[cursor + 1 : item_end])
                if length < 0:
                    items.append(b"")
                    cursor = item_end + 2
                    continue
                start = item_end + 2
                stop = start + length
                if stop + 2 > size:
                    complete = False
                    break
                items.append(bytes(buffer[start:stop]))
                cursor = stop + 2
            else:  # ':' integer or '+' simple string
                items.append(bytes(buffer[cursor + 1 : item_end]))
                cursor = item_end + 2
        if not complete:
            break
        handle(items)
        position = cursor
    return position


class PubSubClient:
    """One subscriber connection; ``on_message(channel, data)`` and ``on_subscribed(channel)``."""

    def __init__(
        self,
        url: str,
        on_message: Callable[[bytes, bytes], None],
        on_subscribed: Callable[[bytes], None],
        *,
        connect_timeout_s: float = 5.0,
    ) -> None:
        self._url = url
        self._on_message = on_message
        self._on_subscribed = on_subscribed
        self._connect_timeout_s = connect_timeout_s
        self._protocol: _Subscriber | None = None
        self._closed: asyncio.Future[None] | None = None
        self._handshake: asyncio.Queue[list[bytes] | bytes] | None = None
        self.last_data_at = time.monotonic()

    @property
    def is_open(self) -> bool:
        return self._closed is not None and not self._closed.done()

    async def connect(self) -> None:
        options: dict[str, Any] = dict(parse_url(self._url))
        loop = asyncio.get_running_loop()
        self._closed = loop.create_future()
        self._handshake = asyncio.Queue()
        self.last_data_at = time.monotonic()
        async with asyncio.timeout(self._connect_timeout_s):
            if "path" in options:
                _, protocol = await loop.create_unix_connection(lambda: _Subscriber(self), options["path"])
            else:
                context = _ssl_context(options) if options.get("connection_class") is SSLConnection else None
                _, protocol = await loop.create_connection(
                    lambda: _Subscriber(self),
                    options.get("host", "localhost"),
                    int(options.get("port", 6379)),
                    ssl=context,
                )
            self._protocol = protocol
            if options.get("password"):
                credentials = [str(options["password"]).encode()]
                if options.get("username"):
                    credentials.insert(0, str(options["username"]).encode())
                self._write(command(b"AUTH", *credentials))
                reply = await self._handshake.get()
                if isinstance(reply, bytes) and reply.startswith(b"-"):
                    self.close()
                    raise PubSubLost(f"Redis refused the credentials: {reply[1:].decode(errors='replace')}")
        self._handshake = None

    def subscribe(self, *channels: str) -> None:
        self._write(command(b"SUBSCRIBE", *(name.encode() for name in channels)))

    def unsubscribe(self, *channels: str) -> None:
        if self.is_open:
            self._write(command(b"UNSUBSCRIBE", *(name.encode() for name in channels)))

    async def run(self) -> None:
        """Wait while the connection lives; raise :class:`PubSubLost` when it ends."""
        assert self._closed is not None
        while True:
            silent = time.monotonic() - self.last_data_at
            if silent >= PING_EVERY_S:
                self._write(command(b"PING"))
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(PING_TIMEOUT_S):
                        await asyncio.shield(self._closed)
                if time.monotonic() - self.last_data_at >= PING_EVERY_S + PING_TIMEOUT_S:
                    self.close()
                    raise PubSubLost("Redis did not answer a PING")
                continue
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(PING_EVERY_S - silent):
                    await asyncio.shield(self._closed)

    def close(self) -> None:
        if self._protocol is not None and self._protocol.transport is not None:
            self._protocol.transport.close()
        self._lost(None)

    # -- the protocol's callbacks -----------------------------------------------------------------

    def _write(self, data: bytes) -> None:
        if self._protocol is None or self._protocol.transport is None or not self.is_open:
            raise PubSubLost("not connected to Redis")
        self._protocol.transport.write(data)

    def _lost(self, exc: Exception | None) -> None:
        if self._closed is not None and not self._closed.done():
            error = PubSubLost(f"Redis connection lost: {exc}" if exc else "Redis connection closed")
            self._closed.set_exception(error)
            self._closed.exception()  # retrieved: nobody may be waiting right now

    def _reply(self, reply: list[bytes] | bytes) -> None:
        if isinstance(reply, list) and len(reply) >= 3:
            kind = reply[0]
            if kind == b"message":
                self._on_message(reply[1], reply[2])
                return
            if kind == b"subscribe":
                self._on_subscribed(reply[1])
                return
            if kind == b"pmessage" and len(reply) >= 4:
                self._on_message(reply[2], reply[3])
                return
        if self._handshake is not None:
            self._handshake.put_nowait(reply)


def _ssl_context(options: dict[str, Any]) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=options.get("ssl_ca_certs"))
    if options.get("ssl_cert_reqs") in ("none", ssl.CERT_NONE):
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context
