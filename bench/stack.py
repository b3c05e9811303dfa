"""The real stack for one benchmark run: a private Redis, SQLite, `a6hub api` processes, seeded jobs.

Everything lives in a temporary directory and listens on loopback only: Redis on a unix socket
(the hub's embedded default), the API on a free 127.0.0.1 port.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psutil

from a6hub.adapters.db.engine import Database
from a6hub.adapters.db.models import Job, Project, User
from a6hub.adapters.db.users import create_user, stamp_of
from a6hub.adapters.passwords import Passwords
from a6hub.adapters.redis_server import start_embedded_redis
from a6hub.adapters.security import TokenService
from a6hub.domain.jobs import JobType, flow_for
from a6hub.domain.progress import initial_progress
from a6hub.domain.sessions import TokenStamp
from bench.control import stop_group

PASSWORD = "bench-password-0123"  # noqa: S105 - the bench's throwaway users, in a temporary database
JOB_CONFIG: dict[str, object] = {"flow": "synth", "top": "top"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class JobRef:
    job_id: int
    user_id: int


@dataclass
class Server:
    """An API (or baseline) server process and where it listens."""

    proc: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def processes(self) -> list[psutil.Process]:
        """The server and its worker processes (uvicorn --workers N forks N children)."""
        try:
            parent = psutil.Process(self.proc.pid)
            return [parent, *parent.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def workers(self) -> list[psutil.Process]:
        """The processes that serve connections: the children if there are any, else the server."""
        procs = self.processes()
        workers = [p for p in procs[1:] if _is_spawned_worker(p)]
        return workers or procs[:1]

    def stop(self) -> None:
        stop_group(self.proc)


@dataclass
class Stack:
    root: Path
    redis_proc: subprocess.Popen[bytes]
    redis_socket: Path
    secret: str
    database_url: str
    tokens: TokenService
    servers: list[Server] = field(default_factory=list)
    users: list[int] = field(default_factory=list)
    stamps: dict[int, TokenStamp] = field(default_factory=dict)  # what each user's tokens carry
    api_source: Path | None = None  # run the API from another source tree (to compare revisions)

    @property
    def redis_url(self) -> str:
        return f"unix://{self.redis_socket}"

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("A6HUB_", "REDIS_"))}
        env.update(
            {
                "A6HUB_ENV": "production",
                "A6HUB_DATA_DIR": str(self.root),
                "A6HUB_DATABASE_URL": self.database_url,
                "A6HUB_REDIS_URL": self.redis_url,
                "A6HUB_SECRET_KEY": self.secret,
                "A6HUB_HOST": "127.0.0.1",
                "PYTHONUNBUFFERED": "1",
                **extra,
            }
        )
        return env

    def start_api(self, name: str, workers: int = 1) -> Server:
        port = free_port()
        log_path = self.root / f"{name}.log"
        argv = [sys.executable, "-m", "a6hub", "api", "--workers", str(workers)]
        env = self.env(A6HUB_PORT=str(port))
        if self.api_source is not None:
            env["PYTHONPATH"] = str(self.api_source)
        with log_path.open("ab") as log:
            proc = subprocess.Popen(
                argv,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = Server(proc, port, log_path)
        self.servers.append(server)
        wait_http(f"{server.base}/healthz", log_path, workers=workers, server=server)
        return server

    def start_baseline(self, name: str) -> Server:
        port = free_port()
        log_path = self.root / f"{name}.log"
        with log_path.open("ab") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "bench.baseline", str(port)],
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = Server(proc, port, log_path)
        self.servers.append(server)
        wait_http(f"{server.base}/healthz", log_path)
        return server

    def login(self, server: Server, username: str) -> str:
        """A token from the real login endpoint (proves the bench's users and secret are real)."""
        response = httpx.post(
            f"{server.base}/api/v1/auth/login", json={"username": username, "password": PASSWORD}, timeout=30
        )
        response.raise_for_status()
        token: str = response.json()["access_token"]
        return token

    def token(self, user_id: int) -> str:
        return self.tokens.issue(user_id, self.stamps[user_id])

    def seed(self, jobs: int, *, users: int, status: str = "running") -> list[JobRef]:
        """``jobs`` jobs spread over ``users`` private projects (one per user), all ``status``."""
        db = Database(self.database_url)
        try:
            with db.session() as session:
                while len(self.users) < users:
                    n = len(self.users)
                    if not self.users:
                        first = create_user(
                            session,
                            email="bench0@example.com",
                            username="bench0",
                            password_hash=Passwords(1).hash(PASSWORD),
                        )
                        self.users.append(first.id)
                        self.stamps[first.id] = stamp_of(first)
                        password_hash = first.password_hash
                        continue
                    password_hash = session.get(User, self.users[0]).password_hash  # type: ignore[union-attr]
                    user = User(
                        email=f"bench{n}@example.com", username=f"bench{n}", password_hash=password_hash
                    )
                    session.add(user)
                    session.flush()
                    self.users.append(user.id)
                    self.stamps[user.id] = stamp_of(user)
                owners = self.users[:users]
                projects = []
                for owner in owners:
                    project = Project(
                        owner_id=owner,
                        name="bench",
                        slug=f"bench-{secrets.token_hex(4)}",
                        visibility="private",
                    )
                    session.add(project)
                    projects.append(project)
                session.flush()
                now = datetime.now(UTC)
                progress = initial_progress(flow_for(JobType.BUILD, JOB_CONFIG))
                rows = []
                for n in range(jobs):
                    project = projects[n % len(projects)]
                    row = Job(
                        project_id=project.id,
                        user_id=project.owner_id,
                        job_type=JobType.BUILD.value,
                        status=status,
                        config=JOB_CONFIG,
                        progress_data=progress,
                        started_at=now if status == "running" else None,
                        heartbeat_at=now if status == "running" else None,
                    )
                    session.add(row)
                    rows.append(row)
                session.flush()
                return [JobRef(row.id, row.user_id) for row in rows]
        finally:
            db.dispose()

    def stop_servers(self) -> None:
        while self.servers:
            self.servers.pop().stop()


def _is_spawned_worker(process: psutil.Process) -> bool:
    """A uvicorn worker (multiprocessing spawn), not multiprocessing's resource tracker."""
    try:
        return "spawn_main" in " ".join(process.cmdline())
    except psutil.Error:
        return False


def wait_http(
    url: str, log_path: Path, timeout_s: float = 60.0, *, workers: int = 1, server: Server | None = None
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200 and (
                server is None or workers == 1 or len(server.workers()) >= workers
            ):
                if workers > 1:
                    time.sleep(2.0)  # let every worker finish its start-up
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up; log:\n{log_path.read_text()[-3000:]}")


@contextmanager
def stack(keep: bool = False, api_source: Path | None = None) -> Iterator[Stack]:
    root = Path(tempfile.mkdtemp(prefix="a6hub-bench-"))
    redis_socket = root / "redis" / "redis.sock"
    redis_proc = start_embedded_redis(redis_socket)
    secret = secrets.token_urlsafe(48)
    database_url = f"sqlite:///{root / 'hub.sqlite3'}"
    db = Database(database_url)
    db.migrate()
    db.dispose()
    built = Stack(
        root=root,
        redis_proc=redis_proc,
        redis_socket=redis_socket,
        secret=secret,
        database_url=database_url,
        tokens=TokenService(secret, timedelta(hours=6)),
        api_source=api_source,
    )
    try:
        yield built
    finally:
        built.stop_servers()
        redis_proc.terminate()
        try:
            redis_proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            redis_proc.kill()
            redis_proc.wait()
        if not keep:
            shutil.rmtree(root, ignore_errors=True)
