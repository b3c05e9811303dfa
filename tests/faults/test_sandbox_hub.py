"""A stranger's simulation on a real hub (API, Celery worker, SQLite and the signing key in the
data directory, as ``make run`` lays them out) gets nothing of the hub, and dies with its worker."""

from __future__ import annotations

import functools
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from a6hub.config import Settings
from tests.conftest import make_settings
from tests.designs import ENDLESS_TB
from tests.flows.flowkit import processes_in
from tests.flows.test_sandbox import reader
from tests.jobs.conftest import JobHub, start_hub
from tests.servers import worker_process

pytestmark = pytest.mark.slow
T = TypeVar("T")


@pytest.fixture
def laptop_settings(tmp_path: Path) -> Settings:
    """The embedded default's layout: SQLite file and generated signing key in the data directory."""
    return make_settings(tmp_path, f"sqlite:///{tmp_path / 'a6hub.sqlite3'}", secret_key="")


def test_a_testbench_gets_nothing_of_the_hub(laptop_settings: Settings, tmp_path: Path) -> None:
    for hub in start_hub(laptop_settings, tmp_path, {}):
        key = (tmp_path / "secret_key").read_text().strip()
        worker_pid = _worker_pid(hub)
        targets = [
            "../../../../secret_key",
            f"{tmp_path}/secret_key",
            f"{tmp_path}/a6hub.sqlite3",
            f"{tmp_path}/a6hub.sqlite3-wal",
            f"/proc/{worker_pid}/environ",
            "/etc/passwd",
        ]
        planted = tmp_path / "planted.txt"
        bench = _then_write(reader(*targets), planted)
        project = hub.project({"tb.v": bench})
        job = hub.start(project, "simulation", top="tb")
        finished = hub.wait(project, job["id"], timeout_s=120)
        log = hub.log(project, job["id"])
        assert finished["status"] == "completed", log
        for target in targets:
            assert f"DENIED {target}" in log
        assert key not in log and "A6HUB_" not in log
        assert "Sandbox: bubblewrap" in log
        assert not planted.exists()


def test_tools_die_with_a_killed_worker_and_its_folder_goes_at_the_next_start(
    laptop_settings: Settings, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    for hub in start_hub(laptop_settings, tmp_path, {}):
        project = hub.project({"endless_tb.v": ENDLESS_TB})
        job = hub.start(project, "simulation", top="endless_tb", timeout_s=600)
        hub.wait_for_status(project, job["id"], "running")
        folders = _wait_for(lambda: [path for path in work.glob("*/job-*") if processes_in(path)])
        owner = folders[0].parent
        os.killpg(_worker_pid(hub), signal.SIGKILL)
        _wait_for(lambda: not processes_in(work))
        assert owner.exists(), "nothing has cleaned up yet"
    with worker_process(laptop_settings, tmp_path / "worker-2.log"):
        _wait_for(lambda: not owner.exists())


def _then_write(bench: bytes, path: Path) -> bytes:
    """``bench``, which also tries to write ``path`` before it finishes."""
    attempt = f'    fd = $fopen("{path}", "w"); $fdisplay(fd, "tampered");\n    $finish;'
    return bench.replace(b"    $finish;", attempt.encode())


def _job_sources(work: Path, job_id: int) -> list[Path]:
    return list(work.glob(f"*/job-{job_id}/src/*.v"))


def _worker_pid(hub: JobHub) -> int:
    assert hub.worker is not None
    return hub.worker.pid


def _wait_for(check: Callable[[], T], timeout_s: float = 60) -> T:
    deadline = time.monotonic() + timeout_s
    while not (result := check()):
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.1)
    return result


def test_a_worker_without_bubblewrap_refuses_jobs_and_says_why(
    laptop_settings: Settings, tmp_path: Path
) -> None:
    no_tools = tmp_path / "empty-bin"
    no_tools.mkdir()
    for hub in start_hub(laptop_settings, tmp_path, {"PATH": str(no_tools)}):
        project = hub.project({"tb.v": reader("/etc/passwd")})
        job = hub.start(project, "simulation", top="tb")
        finished = hub.wait(project, job["id"], timeout_s=120)
        assert finished["status"] == "failed"
        message = finished["error_message"]
        assert message.startswith("this worker cannot run jobs safely: bubblewrap (bwrap) is not installed")
        assert "apt-get install bubblewrap" in message and "A6HUB_SANDBOX=off" in message
        assert "DENIED" not in hub.log(project, job["id"]), "the testbench never ran"


def test_a_job_cannot_read_or_change_a_running_neighbour(laptop_settings: Settings, tmp_path: Path) -> None:
    for hub in start_hub(laptop_settings, tmp_path, {}):
        victim_project = hub.project({"endless_tb.v": ENDLESS_TB}, name="victim")
        victim = hub.start(victim_project, "simulation", top="endless_tb", timeout_s=600)
        hub.wait_for_status(victim_project, victim["id"], "running")
        source = _wait_for(functools.partial(_job_sources, tmp_path / "work", victim["id"]))[0]
        before = source.read_bytes()
        neighbour = f"../../../{source.parent.parent.parent.name}/job-{victim['id']}/src/endless_tb.v"
        bench = _then_write(reader(neighbour, str(source)), source)
        attacker_project = hub.project({"tb.v": bench}, name="attacker")
        attacker = hub.start(attacker_project, "simulation", top="tb")
        finished = hub.wait(attacker_project, attacker["id"], timeout_s=120)
        log = hub.log(attacker_project, attacker["id"])
        assert finished["status"] == "completed", log
        assert f"DENIED {neighbour}" in log and f"DENIED {source}" in log
        assert source.read_bytes() == before
        hub.client.post(f"/api/v1/projects/{victim_project}/jobs/{victim['id']}/cancel").raise_for_status()
