"""One real hub for the CLI tests (API process, Celery worker, Redis, PostgreSQL), and the real CLI.

The hub is shared by every test here (it takes seconds to start); each test signs in from its
own config directory and makes its own projects.
"""

from __future__ import annotations

import asyncio
import os
import pty
import select
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy
from sqlalchemy.pool import NullPool

from tests.conftest import POSTGRES_ADMIN_URL, make_settings
from tests.servers import api_server, worker_process

DEMO = Path(__file__).resolve().parents[2] / "src" / "a6hub" / "demo"
USER, PASSWORD = "designer", "pass-word-1"


def assert_visible(visible: Callable[[], bool]) -> None:
    """A write is visible to the very next request: the API commits before it answers."""
    assert visible(), "a write was not visible to the next request"


def register(base: str, username: str, password: str = PASSWORD) -> str:
    """Register ``username`` and return a token for it."""
    with httpx.Client(base_url=base, timeout=30) as client:
        client.post(
            "/api/v1/auth/register",
            json={"email": f"{username}@example.com", "username": username, "password": password},
        ).raise_for_status()
        body = {"username": username, "password": password}
        assert_visible(lambda: client.post("/api/v1/auth/login", json=body).status_code == 200)
        token: str = client.post("/api/v1/auth/login", json=body).json()["access_token"]
        return token


@dataclass
class Hub:
    base: str
    api: httpx.Client  # signed in as USER
    port: int = 0

    def project(self, files: dict[str, bytes], name: str | None = None) -> dict[str, Any]:
        name = name or f"p-{uuid.uuid4().hex[:8]}"
        response = self.api.post("/api/v1/projects", json={"name": name})
        assert response.status_code == 201, response.text
        project: dict[str, Any] = response.json()
        assert_visible(lambda: self.api.get(f"/api/v1/projects/{project['id']}").status_code == 200)
        for path, content in files.items():
            put = self.api.put(f"/api/v1/projects/{project['id']}/files/{path}", content=content)
            assert put.status_code == 200, put.text
        return project

    def start(self, project_id: int, job_type: str, **config: Any) -> int:
        response = self.api.post(
            f"/api/v1/projects/{project_id}/jobs", json={"job_type": job_type, "config": config}
        )
        assert response.status_code == 201, response.text
        job_id: int = response.json()["id"]
        return job_id

    def job(self, job_id: int) -> dict[str, Any]:
        job: dict[str, Any] = self.api.get(f"/api/v1/jobs/{job_id}").json()
        return job

    def log(self, job_id: int) -> bytes:
        job = self.job(job_id)
        return self.api.get(f"/api/v1/projects/{job['project_id']}/jobs/{job_id}/logs").content

    def wait_for_status(self, job_id: int, *statuses: str, timeout_s: float = 120) -> dict[str, Any]:
        for _ in range(int(timeout_s * 10)):
            job = self.job(job_id)
            if job["status"] in statuses:
                return job
            time.sleep(0.1)
        raise AssertionError(f"job {job_id} never reached {statuses}: {self.job(job_id)}")


@dataclass
class Result:
    code: int
    out: bytes
    err: str

    @property
    def text(self) -> str:
        return self.out.decode()


def cli_argv() -> list[str]:
    installed = Path(sys.executable).parent / "a6hub"
    return [str(installed)] if installed.exists() else [sys.executable, "-m", "a6hub"]


@dataclass
class Cli:
    """The installed ``a6hub`` command, run as a subprocess with its own config directory."""

    home: Path
    url: str
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("A6HUB_", "REDIS_"))}
        env.update(
            HOME=str(self.home), XDG_CONFIG_HOME=str(self.home / ".config"), NO_COLOR="1", **self.extra_env
        )
        return env

    @property
    def credentials(self) -> Path:
        return self.home / ".config" / "a6hub" / "credentials.json"

    def run(self, *args: str, stdin: bytes | None = None, timeout: float = 120) -> Result:
        done = subprocess.run(
            [*cli_argv(), *args], input=stdin, capture_output=True, env=self.env, timeout=timeout, check=False
        )
        return Result(done.returncode, done.stdout, done.stderr.decode())

    def login(self, url: str | None = None, password: str = PASSWORD) -> Result:
        return self.run(
            "login", "--url", url or self.url, "-u", USER, "--password-stdin", stdin=f"{password}\n".encode()
        )

    def run_in_terminal(
        self, *args: str, answers: Sequence[tuple[bytes, bytes]] = (), timeout: float = 60
    ) -> tuple[int, str]:
        """Run on a pseudo-terminal; each (prompt, reply) waits for the prompt, then types the reply.
        Returns the exit code and everything the terminal showed."""
        leader, follower = pty.openpty()
        env = {**self.env, "COLUMNS": "120", "TERM": "xterm-256color"}
        process = subprocess.Popen(
            [*cli_argv(), *args], stdin=follower, stdout=follower, stderr=follower, env=env
        )
        os.close(follower)
        screen, pending, seen = bytearray(), list(answers), 0
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select([leader], [], [], 0.1)
                if ready:
                    try:
                        chunk = os.read(leader, 65536)
                    except OSError:  # EIO: the process closed the terminal
                        break
                    if not chunk:
                        break
                    screen += chunk
                if pending and pending[0][0] in screen[seen:]:
                    os.write(leader, pending.pop(0)[1])
                    seen = len(screen)
            code = process.wait(timeout=max(deadline - time.monotonic(), 1))
        finally:
            os.close(leader)
            if process.poll() is None:
                process.kill()
                process.wait()
        return code, screen.decode(errors="replace")

    async def start(self, *args: str) -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            *cli_argv(),
            *args,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self.env,
        )


@pytest.fixture(scope="session")
def cli_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    data_dir = tmp_path_factory.mktemp("cli-hub")
    settings = make_settings(data_dir, f"{POSTGRES_ADMIN_URL}?options=-csearch_path%3D{schema}")
    try:
        with (
            api_server(settings, data_dir / "api.log") as base,
            worker_process(settings, data_dir / "worker.log"),
            httpx.Client(base_url=base, timeout=30) as api,
        ):
            api.headers["Authorization"] = f"Bearer {register(base, USER)}"
            yield Hub(base, api, port=int(base.rsplit(":", 1)[1]))
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture
def cli(cli_hub: Hub, tmp_path: Path) -> Cli:
    """A signed-out CLI pointed at the test hub (``login`` first)."""
    home = tmp_path / "home"
    home.mkdir()
    return Cli(home, cli_hub.base)


@pytest.fixture
def signed_in(cli: Cli) -> Cli:
    result = cli.login()
    assert result.code == 0, result.err
    return cli
