"""Open sockets follow access changes: a session that ends closes them with 4401, a project that
goes private (or away) closes other users' sockets with 4403 (or 4404)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import websockets
from websockets.asyncio.client import ClientConnection

from tests.gateway.conftest import Hub
from tests.gateway.wsclient import close_code, connect, receive_json

PASSWORD = "correct horse"  # Hub.user's


async def watch(hub: Hub, job_id: int, credential: str) -> ClientConnection:
    """An open socket on the job, past its ``connected`` message."""
    ws = await connect(f"{hub.ws_base}/{job_id}/updates?{credential}")
    assert (await receive_json(ws))["type"] == "connected"
    return ws


def ticket(hub: Hub, token: str, job_id: int) -> str:
    issued: str = hub.post("/api/v1/ws/tickets", token, {"job_id": job_id}).json()["ticket"]
    return f"ticket={issued}"


async def closed_with(ws: ClientConnection) -> tuple[int | None, str]:
    """Read until the server closes the socket; its close code and reason."""
    with pytest.raises(websockets.ConnectionClosed):  # noqa: PT012 - reading on until the close arrives
        while True:
            await asyncio.wait_for(ws.recv(), 10)
    return ws.close_code, ws.close_reason or ""


async def still_open(ws: ClientConnection) -> bool:
    await ws.send('{"type": "ping"}')
    reply: str = (await receive_json(ws))["type"]
    return reply == "pong"


def call(hub: Hub, method: str, path: str, token: str, **kwargs: object) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.request(method, f"{hub.base}{path}", headers=headers, **kwargs)  # type: ignore[arg-type]


async def test_signing_out_everywhere_closes_token_and_ticket_sockets_with_4401(hub: Hub) -> None:
    ada, bob = hub.user("ada"), hub.user("bob")
    job_id = hub.job(ada, visibility="public")
    by_token = await watch(hub, job_id, f"token={ada}")
    by_ticket = await watch(hub, job_id, ticket(hub, ada, job_id))
    unused_ticket = ticket(hub, ada, job_id)
    bystander = await watch(hub, job_id, f"token={bob}")
    assert call(hub, "POST", "/api/v1/auth/logout-all", ada).status_code == 204
    for ws in (by_token, by_ticket):
        code, reason = await closed_with(ws)
        assert code == 4401 and "signed out everywhere" in reason
    assert await still_open(bystander)
    await bystander.close()
    assert await close_code(f"{hub.ws_base}/{job_id}/updates?token={ada}") == 4401
    assert await close_code(f"{hub.ws_base}/{job_id}/updates?{unused_ticket}") == 4401


async def test_a_project_made_private_closes_other_users_sockets_with_4403(hub: Hub) -> None:
    owner, viewer = hub.user("carol"), hub.user("dave")
    job_id = hub.job(owner, visibility="public")
    own = await watch(hub, job_id, f"token={owner}")
    other = await watch(hub, job_id, ticket(hub, viewer, job_id))
    project_id = call(hub, "GET", f"/api/v1/jobs/{job_id}", owner).json()["project_id"]
    changed = call(hub, "PATCH", f"/api/v1/projects/{project_id}", owner, json={"visibility": "private"})
    assert changed.status_code == 200
    code, reason = await closed_with(other)
    assert code == 4403 and "private" in reason
    assert await still_open(own)
    await own.close()
    assert await close_code(f"{hub.ws_base}/{job_id}/updates?token={viewer}") == 4403


async def test_deleting_an_account_closes_its_sockets_and_those_on_its_projects(hub: Hub) -> None:
    leaving, watcher, neighbour = hub.user("erin"), hub.user("frank"), hub.user("gina")
    job_id = hub.job(leaving, visibility="public")
    other_job = hub.job(neighbour, visibility="public")
    own = await watch(hub, other_job, f"token={leaving}")  # the leaving user, on someone else's job
    on_project = await watch(hub, job_id, f"token={watcher}")
    unrelated = await watch(hub, other_job, f"token={watcher}")
    gone = call(hub, "DELETE", "/api/v1/auth/me", leaving, json={"password": PASSWORD})
    assert gone.status_code == 204
    code, reason = await closed_with(own)
    assert code == 4401 and "no longer exists" in reason
    code, reason = await closed_with(on_project)
    assert code == 4404 and "deleted" in reason
    assert await still_open(unrelated)
    await unrelated.close()
    assert await close_code(f"{hub.ws_base}/{other_job}/updates?token={leaving}") == 4401


async def test_a_ticket_socket_ends_with_the_session_of_its_token(hub: Hub) -> None:
    long_lived = hub.user("hank")
    job_id = hub.job(long_lived)
    short = hub.short_lived(long_lived, seconds=2)
    ws = await watch(hub, job_id, ticket(hub, short, job_id))
    code, reason = await closed_with(ws)
    assert code == 4401 and "expired" in reason
