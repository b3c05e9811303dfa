"""Fan-out: one subscription per job per process, every watcher gets every event once, slow ones are cut."""

from __future__ import annotations

import asyncio
import base64
import os
import re
import socket
from pathlib import Path

import httpx

from a6hub.domain.jobs import JobStatus
from tests.gateway.conftest import Hub
from tests.gateway.wsclient import collect_until_closed, connect, receive_json, seqs
from tests.servers import api_server


def metric(base: str, name: str) -> float:
    text = httpx.get(f"{base}/metrics").text
    match = re.search(rf"^{name} (\S+)$", text, re.MULTILINE)
    assert match, f"{name} missing from /metrics"
    return float(match.group(1))


async def test_200_clients_on_one_job_each_get_every_event_once_over_one_subscription(hub: Hub) -> None:
    token = hub.user("ada")
    job_id = hub.job(token)
    url = f"{hub.ws_base}/{job_id}/updates?token={token}"
    sockets = await asyncio.gather(*(connect(url) for _ in range(200)))
    await asyncio.gather(*(receive_json(ws) for ws in sockets))
    assert metric(hub.base, "a6hub_ws_job_subscriptions") == 1
    assert metric(hub.base, "a6hub_ws_open_sockets") == 200

    def publish() -> None:
        for number in range(50):
            hub.lifecycle.log(job_id, f"line {number}\n")
        hub.lifecycle.finish(job_id, JobStatus.CANCELLED)

    results = await asyncio.gather(
        asyncio.to_thread(publish), *(collect_until_closed(ws, 60) for ws in sockets)
    )
    for messages in results[1:]:
        assert seqs(messages) == list(range(1, 53))
    assert all(ws.close_code == 1000 for ws in sockets)
    await asyncio.sleep(0.3)
    assert metric(hub.base, "a6hub_ws_job_subscriptions") == 0
    assert metric(hub.base, "a6hub_ws_open_sockets") == 0
    assert metric(hub.base, "a6hub_ws_events_in_total") == 52


def stalled_client(base: str, path: str) -> socket.socket:
    """A raw client that completes the handshake and then never reads (a tiny window, no autotuning)."""
    host, port = base.removeprefix("http://").split(":")
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect((host, int(port)))
    key = base64.b64encode(os.urandom(16)).decode()
    raw.sendall(
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    response = b""
    while b"\r\n\r\n" not in response:
        response += raw.recv(1)
    assert response.startswith(b"HTTP/1.1 101")
    return raw


def read_close_code(raw: socket.socket) -> int:
    """Read everything the server sent until it closed; the last frame is the close frame."""
    raw.settimeout(10)
    data = b""
    while chunk := raw.recv(1 << 20):
        data += chunk
    close_at = data.rfind(b"\x88")
    return int.from_bytes(data[close_at + 2 : close_at + 4], "big")


async def test_a_stalled_client_is_cut_with_1013_and_the_others_keep_up(hub: Hub) -> None:
    token = hub.user("bob")
    job_id = hub.job(token)
    path = f"/api/v1/ws/jobs/{job_id}/updates?token={token}"
    stalled = stalled_client(hub.base, path)
    healthy = await connect(f"{hub.ws_base}/{job_id}/updates?token={token}")
    await receive_json(healthy)
    chunk = "x" * 60_000 + "\n"

    def publish() -> None:
        for _ in range(300):
            hub.lifecycle.log(job_id, chunk)
        hub.lifecycle.finish(job_id, JobStatus.CANCELLED)

    _, messages = await asyncio.gather(asyncio.to_thread(publish), collect_until_closed(healthy, 60))
    assert seqs(messages) == list(range(1, 303))
    assert await asyncio.to_thread(read_close_code, stalled) == 1013
    stalled.close()
    assert metric(hub.base, "a6hub_ws_slow_consumer_closes_total") == 1


async def test_a_client_moves_to_another_api_process_and_resumes(hub: Hub, tmp_path: Path) -> None:
    token = hub.user("carol")
    job_id = hub.job(token)
    with api_server(hub.settings, tmp_path / "api2.log") as second:
        second_ws = second.replace("http://", "ws://") + "/api/v1/ws/jobs"
        for number in range(10):
            hub.lifecycle.log(job_id, f"line {number}\n")
        async with await connect(f"{hub.ws_base}/{job_id}/updates?since=0&token={token}") as first:
            await receive_json(first)
            seen = [await receive_json(first) for _ in range(6)]
        last = seen[-1]["seq"]
        for number in range(10, 20):
            hub.lifecycle.log(job_id, f"line {number}\n")
        hub.lifecycle.finish(job_id, JobStatus.CANCELLED)
        async with await connect(f"{second_ws}/{job_id}/updates?since={last}&token={token}") as moved:
            rest = await collect_until_closed(moved)
    assert seqs(seen + rest) == list(range(1, 23))


async def test_admin_lists_connections_of_every_process(hub: Hub, tmp_path: Path) -> None:
    admin_token = hub.user("root")
    with hub.publisher._db.session() as session:
        from sqlalchemy import update

        from a6hub.adapters.db.models import User

        session.execute(update(User).where(User.username == "root").values(is_admin=True))
    user_token = hub.user("dave")
    job_id = hub.job(user_token, visibility="public")
    with api_server(hub.settings, tmp_path / "api2.log") as second:
        second_ws = second.replace("http://", "ws://") + "/api/v1/ws/jobs"
        async with (
            await connect(f"{hub.ws_base}/{job_id}/updates?token={user_token}") as a,
            await connect(f"{second_ws}/{job_id}/updates?token={user_token}") as b,
        ):
            await receive_json(a)
            await receive_json(b)
            listed = hub.get("/api/v1/admin/connections", admin_token).json()["connections"]
            refused = hub.get("/api/v1/admin/connections", user_token)
    assert {c["job_id"] for c in listed} == {job_id}
    assert len({c["process"] for c in listed}) == 2
    assert {"user_id", "connected_at", "frames_sent", "queue_depth", "last_seq_sent"} <= set(listed[0])
    assert {c["username"] for c in listed} == {"dave"}
    assert refused.status_code == 403


def test_free_loopback_port_helper_is_sane() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        assert probe.getsockname()[1] > 0
