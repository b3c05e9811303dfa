"""Abuse that gets a clear refusal while the hub keeps serving."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
import redis

from tests.gateway.conftest import Hub
from tests.gateway.test_fanout import metric
from tests.gateway.wsclient import close_code, connect, receive_json


async def test_an_expired_ticket_is_refused(hub: Hub) -> None:
    token = hub.user("ada")
    job_id = hub.job(token)
    ticket = hub.post("/api/v1/ws/tickets", token, {"job_id": job_id}).json()["ticket"]
    client = redis.Redis.from_url(hub.settings.resolved_redis_url())
    client.pexpire(hub.settings.redis_keys.ws_ticket(ticket), 1)
    client.close()
    await asyncio.sleep(0.05)
    assert await close_code(f"{hub.ws_base}/{job_id}/updates?ticket={ticket}") == 4401


async def test_huge_since_values_are_refused_or_harmless(hub: Hub) -> None:
    token = hub.user("bob")
    job_id = hub.job(token)
    assert (
        await close_code(f"{hub.ws_base}/{job_id}/updates?since=99999999999999999999&token={token}") == 1008
    )
    async with await connect(f"{hub.ws_base}/{job_id}/updates?since=2147483647&token={token}") as ws:
        assert (await receive_json(ws))["type"] == "connected"


@pytest.mark.slow
async def test_connect_disconnect_cycles_leak_nothing(hub: Hub) -> None:
    token = hub.user("carol")
    job_ids = [hub.job(token) for _ in range(5)]
    pid = _api_pid(hub)
    url = f"{hub.ws_base}/{{}}/updates?token={token}"

    async def cycle(count: int, offset: int) -> None:
        for number in range(count):
            async with await connect(url.format(job_ids[(number + offset) % len(job_ids)])) as ws:
                await receive_json(ws)

    await asyncio.gather(*(cycle(100, n) for n in range(10)))  # warm-up
    fds_before, rss_before = _fds(pid), _rss_kib(pid)
    await asyncio.gather(*(cycle(1000, n) for n in range(10)))  # 10,000 connect/disconnect cycles
    await asyncio.sleep(1)
    fds_after, rss_after = _fds(pid), _rss_kib(pid)
    assert metric(hub.base, "a6hub_ws_open_sockets") == 0
    assert metric(hub.base, "a6hub_ws_job_subscriptions") == 0
    assert fds_after <= fds_before + 5, (fds_before, fds_after)
    assert rss_after - rss_before < 20 * 1024, f"RSS grew by {rss_after - rss_before} KiB over 10,000 cycles"
    assert (await asyncio.to_thread(httpx.get, f"{hub.base}/healthz")).status_code == 200


def test_config_values_never_reach_a_shell(hub: Hub) -> None:
    token = hub.user("dave")
    job_id = hub.job(token)
    project_id = hub.get(f"/api/v1/jobs/{job_id}", token).json()["project_id"]
    url = f"/api/v1/projects/{project_id}/jobs"
    for config in (
        {"flow": "synth", "top": "top; :(){ :|:& };:"},
        {"flow": "synth", "top": "$(reboot)"},
        {"top": "top", "package": "sg48 --pre-pack /etc/passwd"},
        {"top": "top", "files": ["../../etc/passwd"]},
        {"top": "top", "pcf": "/etc/passwd"},
        {"top": "top", "frequency_mhz": "12; rm -rf /"},
        {"top": "top", "yosys_args": ["-c", "evil.tcl"]},
    ):
        response = hub.post(url, token, {"job_type": "build", "config": config})
        assert response.status_code == 422, (config, response.text)
        assert response.json()["detail"].startswith("config.")


def _api_pid(hub: Hub) -> int:
    port = hub.base.rsplit(":", 1)[1]
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == int(port) and fields[3] == "0A":
            inode = fields[9]
            break
    else:
        raise AssertionError("API port not found")
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if any(fd.readlink().name == f"socket:[{inode}]" for fd in (entry / "fd").iterdir()):
                    return int(entry.name)
            except OSError:
                continue
    raise AssertionError("API process not found")


def _fds(pid: int) -> int:
    return len(list((Path("/proc") / str(pid) / "fd").iterdir()))


def _rss_kib(pid: int) -> int:
    for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")
