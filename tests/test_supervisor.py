"""`a6hub up` (what `make run` starts) on the embedded defaults: SQLite and a private Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.servers import free_port


def _wait(url: str, timeout_s: float = 60) -> httpx.Response:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            response = httpx.get(url, timeout=2)
            if response.status_code == 200:
                return response
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} never answered 200")


def _wait_for_output(log_path: Path, text: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while text not in log_path.read_text():
        assert time.monotonic() < deadline, f"never printed {text!r}:\n{log_path.read_text()[-2000:]}"
        time.sleep(0.1)


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
def test_up_starts_the_whole_hub_restarts_a_dead_role_and_stops_everything(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("A6HUB_", "REDIS_"))}
    env.update({"A6HUB_DATA_DIR": str(tmp_path / "var"), "A6HUB_PORT": str(port)})
    log_path = tmp_path / "up.log"
    with log_path.open("wb") as log:
        hub = subprocess.Popen(
            [sys.executable, "-m", "a6hub", "up"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        base = f"http://127.0.0.1:{port}"
        assert _wait(f"{base}/readyz").json() == {"status": "ready", "database": "ok", "redis": "ok"}
        _wait_for_output(log_path, "press Ctrl-C")
        output = log_path.read_text()
        assert f"[a6hub] hub ready at http://127.0.0.1:{port}" in output and "demo-password" in output
        assert (tmp_path / "var" / "a6hub.sqlite3").exists() and (
            tmp_path / "var" / "redis" / "redis.sock"
        ).exists()

        token = httpx.post(
            f"{base}/api/v1/auth/login", json={"username": "demo", "password": "demo-password"}
        ).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        project = httpx.get(f"{base}/api/v1/projects", headers=headers).json()[0]
        files = {
            f["path"]
            for f in httpx.get(f"{base}/api/v1/projects/{project['id']}/files", headers=headers).json()
        }
        assert {"blinky.v", "icebreaker.pcf"} <= files
        build = httpx.post(
            f"{base}/api/v1/projects/{project['id']}/jobs",
            json={"job_type": "build", "config": {"top": "blinky", "pcf": "icebreaker.pcf"}},
            headers=headers,
        ).json()
        deadline = time.monotonic() + 300
        while (job := httpx.get(f"{base}/api/v1/jobs/{build['id']}", headers=headers).json())["status"] in (
            "pending",
            "running",
        ):
            assert time.monotonic() < deadline, "the demo build did not finish"
            time.sleep(0.5)
        assert job["status"] == "completed", job["error_message"]

        roles = _children(hub.pid)
        api = next(
            pid
            for pid in roles
            if b" api" in b" ".join((Path("/proc") / str(pid) / "cmdline").read_bytes().split(b"\0"))
        )
        os.kill(api, signal.SIGKILL)
        _wait_for_output(log_path, "api exited")
        _wait(f"{base}/healthz")

        every_process = _children(hub.pid)
        hub.send_signal(signal.SIGINT)
        assert hub.wait(timeout=60) == 0
        time.sleep(0.5)
        assert not [pid for pid in every_process if _alive(pid)], log_path.read_text()
        assert "stopped" in log_path.read_text()
    finally:
        if hub.poll() is None:
            hub.kill()
