"""A cap on every request body, enforced before any of it is read (pure ASGI middleware).

A declared ``Content-Length`` over the cap is answered 413 at once, before routing and before
authentication, and the connection is closed so the rest is never read. A body without a length
(chunked) is counted as it streams in: at the cap the client gets its 413, and the application
sees the client as gone (whatever it answers then is dropped). A response sent before the body
was read (a 401, a 404) closes the connection too, instead of reading on through the body.

The cap (``A6HUB_MAX_REQUEST_BYTES``, 8 MiB) is above what one request of the CLI (one file per
``PUT``, at most ``A6HUB_MAX_FILE_BYTES``) or of the web app (uploads sent in batches of a few
MiB) carries.
"""

from __future__ import annotations

import json

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from a6hub.api.errors import error_body
from a6hub.domain.errors import TooLarge

_DISCONNECT: Message = {"type": "http.disconnect"}


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self.refuse(send, f"the request body is {declared} bytes")
            return
        expects_body = "transfer-encoding" in Headers(scope=scope) or declared not in ("", "0")
        await _CappedRequest(self, receive, send, expects_body).run(scope)

    async def refuse(self, send: Send, what: str) -> None:
        detail = (
            f"{what}; this hub takes at most {self.max_bytes} bytes per request "
            "(send large uploads as several requests)"
        )
        body = json.dumps(error_body(detail, TooLarge.code)).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),  # the rest of the body is never read
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _CappedRequest:
    """One request whose body is counted as the application reads it."""

    def __init__(self, limit: BodySizeLimit, receive: Receive, send: Send, expects_body: bool) -> None:
        self._limit = limit
        self._receive = receive
        self._send = send
        self._body_pending = expects_body
        self._received = 0
        self._response_started = False
        self._refused = False
        self._answered = False  # the 413 went out

    async def run(self, scope: Scope) -> None:
        try:
            await self._limit.app(scope, self.receive, self.send)
        except Exception:
            if not self._refused:
                raise
            # The application failed on the body cut short; the client already has its 413.

    async def receive(self) -> Message:
        if self._refused:
            return _DISCONNECT
        message = await self._receive()
        if message["type"] != "http.request":
            return message
        self._received += len(message.get("body", b""))
        self._body_pending = bool(message.get("more_body", False))
        if self._received <= self._limit.max_bytes:
            return message
        self._refused = True
        if not self._response_started:
            self._answered = True
            await self._limit.refuse(self._send, f"the request body is over {self._limit.max_bytes} bytes")
        return _DISCONNECT

    async def send(self, message: Message) -> None:
        if self._answered:
            return  # what the application answers after the 413 is dropped
        if message["type"] == "http.response.start":
            self._response_started = True
            if self._body_pending:
                # Answered without reading the body (e.g. 401): close rather than read on through it.
                message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
        await self._send(message)
