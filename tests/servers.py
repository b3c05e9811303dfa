"""Real hub processes for tests: ``a6hub api`` (uvicorn) and ``a6hub worker`` (Celery) as subprocesses."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx

from a6hub.config import Settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def hub_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("A6HUB_", "REDIS_"))}
    env.update(
        {
            "A6HUB_ENV": settings.env,
            "A6HUB_DATA_DIR": str(settings.data_dir),
            "A6HUB_DATABASE_URL": settings.database_url,
            "A6HUB_REDIS_URL": settings.redis_url,
            "A6HUB_REDIS_PREFIX": settings.redis_prefix,
            "A6HUB_SECRET_KEY": settings.secret_key,
            **extra,
        }
    )
    return env


@contextmanager
def api_server(settings: Settings, log_path: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """A real uvicorn API process; yields its base URL."""
    port = free_port()
    env = hub_env(settings, A6HUB_PORT=str(port), A6HUB_HOST="127.0.0.1", **(extra_env or {}))
    with log_path.open("ab") as log, _process([sys.executable, "-m", "a6hub", "api"], env, log):
        base = f"http://127.0.0.1:{port}"
        _wait_http(f"{base}/healthz", log_path)
        yield base


@contextmanager
def worker_process(
    settings: Settings, log_path: Path, *, concurrency: int = 2, extra_env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    env = hub_env(settings, **(extra_env or {}))
    argv = [sys.executable, "-m", "a6hub", "worker", "--concurrency", str(concurrency)]
    with log_path.open("ab") as log, _process(argv, env, log) as process:
        yield process


@contextmanager
def _process(argv: list[str], env: dict[str, str], log: IO[bytes]) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process
    finally:
        stop_group(process)


def stop_group(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
            process.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_http(url: str, log_path: Path, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up; log:\n{log_path.read_text()[-3000:]}")
