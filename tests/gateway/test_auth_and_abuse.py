"""Who gets in, and how the gateway refuses: close codes the browser can see."""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
import websockets
from websockets.asyncio.client import ClientConnection

from tests.gateway.conftest import Hub
from tests.gateway.wsclient import close_code, connect, receive_json


async def test_close_codes_for_refusals(hub: Hub) -> None:
    owner, other = hub.user("ada"), hub.user("bob")
    job_id = hub.job(owner)
    public_job = hub.job(owner, visibility="public")
    key = hub.settings.resolved_secret_key()
    now = datetime.now(UTC)
    expired = jwt.encode({"sub": "1", "iat": now - timedelta(hours=2), "exp": now - timedelta(hours=1)}, key)
    none_alg = jwt.encode({"sub": "1", "iat": now, "exp": now + timedelta(hours=1)}, None, algorithm="none")
    base = hub.ws_base
    assert await close_code(f"{base}/{job_id}/updates") == 4401
    assert await close_code(f"{base}/{job_id}/updates?token=garbage") == 4401
    assert await close_code(f"{base}/{job_id}/updates?token={expired}") == 4401
    assert await close_code(f"{base}/{job_id}/updates?token={none_alg}") == 4401
    assert await close_code(f"{base}/{job_id}/updates?token={other}") == 4403
    assert await close_code(f"{base}/999999/updates?token={owner}") == 4404
    assert await close_code(f"{base}/abc/updates?token={owner}") == 1008
    assert await close_code(f"{base}/{job_id}/updates?since=-1&token={owner}") == 1008
    assert await close_code(f"{base}/{job_id}/updates?since=x&token={owner}") == 1008
    bad_origin = await close_code(f"{base}/{job_id}/updates?token={owner}", origin="https://evil.example")
    assert bad_origin == 1008
    async with await connect(f"{base}/{public_job}/updates?token={other}") as ws:
        assert (await receive_json(ws))["type"] == "connected"


async def test_same_origin_browser_is_allowed(hub: Hub) -> None:
    token = hub.user("carol")
    job_id = hub.job(token)
    origin = hub.base  # the page served by the hub itself
    async with await connect(f"{hub.ws_base}/{job_id}/updates?token={token}", origin=origin) as ws:
        assert (await receive_json(ws))["type"] == "connected"


async def test_bearer_subprotocol_is_echoed_and_keeps_the_jwt_out_of_the_url(hub: Hub) -> None:
    token = hub.user("dave")
    job_id = hub.job(token)
    async with await connect(f"{hub.ws_base}/{job_id}/updates", subprotocols=["bearer", token]) as ws:
        assert ws.subprotocol == "bearer"
        assert (await receive_json(ws))["type"] == "connected"
    log = (hub.settings.data_dir / "api.log").read_text()
    assert token not in log


async def test_tickets_are_single_use_and_bound_to_their_job(hub: Hub) -> None:
    owner, other = hub.user("erin"), hub.user("frank")
    job_id, second_job = hub.job(owner), hub.job(owner)
    ticket = hub.post("/api/v1/ws/tickets", owner, {"job_id": job_id}).json()
    assert ticket["expires_in"] <= 60
    async with await connect(f"{hub.ws_base}/{job_id}/updates?ticket={ticket['ticket']}") as ws:
        assert (await receive_json(ws))["type"] == "connected"
    assert await close_code(f"{hub.ws_base}/{job_id}/updates?ticket={ticket['ticket']}") == 4401
    wrong_job = hub.post("/api/v1/ws/tickets", owner, {"job_id": job_id}).json()["ticket"]
    assert await close_code(f"{hub.ws_base}/{second_job}/updates?ticket={wrong_job}") == 4403
    assert hub.post("/api/v1/ws/tickets", other, {"job_id": job_id}).status_code == 404


async def test_token_and_ticket_are_redacted_from_the_access_log(hub: Hub) -> None:
    token = hub.user("gina")
    job_id = hub.job(token)
    ticket = hub.post("/api/v1/ws/tickets", token, {"job_id": job_id}).json()["ticket"]
    for credential in (f"token={token}", f"ticket={ticket}"):
        async with await connect(f"{hub.ws_base}/{job_id}/updates?{credential}") as ws:
            await receive_json(ws)
    await asyncio.sleep(0.3)
    log = (hub.settings.data_dir / "api.log").read_text()
    assert "/updates?" in log
    assert token not in log and ticket not in log
    assert "[redacted]" in log


async def test_token_expiring_while_connected_closes_with_4401(hub: Hub) -> None:
    long_lived = hub.user("hank")
    job_id = hub.job(long_lived)
    short = hub.short_lived(long_lived, seconds=2)
    async with await connect(f"{hub.ws_base}/{job_id}/updates?token={short}") as ws:
        assert (await receive_json(ws))["type"] == "connected"
        with pytest.raises(websockets.ConnectionClosedError) as closed:
            await asyncio.wait_for(ws.recv(), 10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def read_until_closed(ws: ClientConnection) -> None:
    with pytest.raises(websockets.ConnectionClosed):  # noqa: PT012 - reading on until the close arrives
        while True:
            await asyncio.wait_for(ws.recv(), 10)


async def test_oversized_frames_and_floods_close_the_socket(hub: Hub) -> None:
    token = hub.user("ivy")
    job_id = hub.job(token)
    async with await connect(f"{hub.ws_base}/{job_id}/updates?token={token}") as ws:
        await receive_json(ws)
        await ws.send(json.dumps({"type": "ping", "pad": "x" * 8000}))
        await read_until_closed(ws)
    assert ws.close_code == 1009
    async with await connect(f"{hub.ws_base}/{job_id}/updates?token={token}") as ws:
        await receive_json(ws)
        with contextlib.suppress(websockets.ConnectionClosed):
            for _ in range(500):
                await ws.send(json.dumps({"type": "ping"}))
        await read_until_closed(ws)
    assert ws.close_code == 1008
    async with await connect(f"{hub.ws_base}/{job_id}/updates?token={token}") as ws:
        assert (await receive_json(ws))["type"] == "connected"
