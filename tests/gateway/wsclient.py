"""A thin test client over the websockets library: collect messages, note the close code."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection


async def connect(url: str, **kwargs: Any) -> ClientConnection:
    return await websockets.connect(url, open_timeout=10, max_size=None, **kwargs)


async def receive_json(connection: ClientConnection, timeout: float = 10.0) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(connection.recv(), timeout))
    return message


async def collect_until_closed(connection: ClientConnection, timeout: float = 30.0) -> list[dict[str, Any]]:
    """Every message until the server closes the socket."""
    messages: list[dict[str, Any]] = []

    async def drain() -> None:
        async for raw in connection:
            messages.append(json.loads(raw))

    await asyncio.wait_for(drain(), timeout)
    return messages


async def close_code(url: str, timeout: float = 10.0, **kwargs: Any) -> int | None:
    """Connect, read until the server closes, and return its close code."""
    connection = await connect(url, **kwargs)
    with contextlib.suppress(websockets.ConnectionClosed):
        await asyncio.wait_for(collect_until_closed(connection, timeout), timeout)
    return connection.close_code


def seqs(messages: list[dict[str, Any]]) -> list[int]:
    return [message["seq"] for message in messages if "seq" in message]
