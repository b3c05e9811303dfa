"""An API process is killed mid-stream: its clients move to the other process and lose nothing."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path
from typing import Any

import websockets

from a6hub.domain.jobs import JobStatus
from tests.gateway.conftest import Hub
from tests.gateway.wsclient import collect_until_closed, connect, receive_json, seqs
from tests.servers import api_server


async def test_clients_of_a_killed_api_process_resume_on_the_other(hub: Hub, tmp_path: Path) -> None:
    token = hub.user("ada")
    job_id = hub.job(token)
    with api_server(hub.settings, tmp_path / "doomed.log") as doomed_base:
        doomed_ws = doomed_base.replace("http://", "ws://") + "/api/v1/ws/jobs"
        clients = [await connect(f"{doomed_ws}/{job_id}/updates?since=0&token={token}") for _ in range(20)]
        for ws in clients:
            await receive_json(ws)
        for number in range(10):
            hub.lifecycle.log(job_id, f"line {number}\n")
        received: list[list[dict[str, Any]]] = [[await receive_json(ws) for _ in range(10)] for ws in clients]
        _kill_listener(doomed_base)
        for ws in clients:
            try:
                while True:
                    received[clients.index(ws)].append(await receive_json(ws, timeout=10))
            except (websockets.ConnectionClosed, TimeoutError):
                pass
    for number in range(10, 20):
        hub.lifecycle.log(job_id, f"line {number}\n")
    hub.lifecycle.finish(job_id, JobStatus.CANCELLED)

    async def resume(index: int) -> list[int]:
        before = seqs(received[index])
        async with await connect(f"{hub.ws_base}/{job_id}/updates?since={max(before)}&token={token}") as ws:
            rest = await collect_until_closed(ws)
        return before + seqs(rest)

    for result in await asyncio.gather(*(resume(i) for i in range(len(clients)))):
        assert result == list(range(1, 23))


def _kill_listener(base: str) -> None:
    """SIGKILL the uvicorn process listening on ``base``'s port (found through /proc)."""
    port = int(base.rsplit(":", 1)[1])
    inode = _listening_inode(port)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fds = list((entry / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                if fd.readlink().name == f"socket:[{inode}]":
                    os.kill(int(entry.name), signal.SIGKILL)
                    return
            except OSError:
                continue
    raise AssertionError(f"no process listens on {port}")


def _listening_inode(port: int) -> str:
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == "0A":
            return fields[9]
    raise AssertionError(f"port {port} not listening")
