"""``a6hub up``: the whole hub in one command, one process per role, restarted if one dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from types import FrameType

import httpx
from rich.console import Console
from rich.text import Text

from a6hub.adapters.db.engine import Database
from a6hub.adapters.flows import SandboxUnavailable, detect_sandbox
from a6hub.adapters.passwords import Passwords
from a6hub.adapters.redis_server import start_embedded_redis
from a6hub.adapters.worker.job_space import secure_data_dir
from a6hub.bootstrap import DemoAccount, ensure_demo_account
from a6hub.config import Settings

console = Console(highlight=False)
RESTART_WINDOW_S = 60.0
MAX_QUICK_RESTARTS = 5


@dataclass
class Role:
    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None
    restarts: list[float] = field(default_factory=list)

    def start(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(self.argv, env=env)

    def exited(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def backoff_s(self) -> float:
        now = time.monotonic()
        self.restarts = [moment for moment in self.restarts if now - moment < RESTART_WINDOW_S] + [now]
        return 0.5 if len(self.restarts) <= MAX_QUICK_RESTARTS else 5.0


class Supervisor:
    def __init__(self, settings: Settings, *, worker_concurrency: int) -> None:
        self.settings = settings
        python = [sys.executable, "-m", "a6hub"]
        self.roles = [
            Role("api", [*python, "api"]),
            Role("worker", [*python, "worker", "--concurrency", str(worker_concurrency)]),
        ]
        self.redis: subprocess.Popen[bytes] | None = None
        self.demo: DemoAccount | None = None
        self._stopping = False

    def run(self) -> int:
        self._prepare()
        env = {**os.environ, "A6HUB_DATA_DIR": str(self.settings.data_dir.resolve())}
        for role in self.roles:
            role.start(env)
        signal.signal(signal.SIGINT, self._stop)
        signal.signal(signal.SIGTERM, self._stop)
        try:
            self._announce_when_up()
            self._watch(env)
        finally:
            self._shutdown()
        return 0

    def _prepare(self) -> None:
        secure_data_dir(self.settings.data_dir.resolve())
        if self.settings.uses_embedded_redis:
            self.redis = start_embedded_redis(self.settings.embedded_redis_socket)
            say(f"embedded Redis on {self.settings.embedded_redis_socket}")
        db = Database(self.settings.database_url)
        db.migrate()
        say(f"database: {db.engine.url.render_as_string(hide_password=True)}")
        if self.settings.create_demo and self.settings.env != "production":
            passwords = Passwords(self.settings.password_hash_concurrency)
            self.demo = ensure_demo_account(db, self.settings, passwords)
            passwords.close()
        db.dispose()

    def _announce_when_up(self, timeout_s: float = 60.0) -> None:
        """The banner comes last, once the API answers, so it is not buried under the roles' output."""
        url = f"http://{self.settings.host}:{self.settings.port}"
        deadline = time.monotonic() + timeout_s
        while not self._stopping and not _answers(f"{url}/healthz"):
            if time.monotonic() > deadline:
                say(
                    f"the API did not answer at {url} within {timeout_s:.0f} s; see its output above",
                    "bold red",
                )
                return
            time.sleep(0.2)
        say(f"hub ready at {url}   (API docs: {url}/docs)", "bold green")
        say_sandbox(self.settings)
        if self.demo is not None:
            say(f"demo account: username {self.demo.username}   password {self.demo.password}", "bold")
        say("press Ctrl-C to stop every process of the hub")

    def _watch(self, env: dict[str, str]) -> None:
        while not self._stopping:
            time.sleep(0.5)
            if self.redis is not None and self.redis.poll() is not None and not self._stopping:
                say("embedded Redis died; restarting it", "bold red")
                self.redis = start_embedded_redis(self.settings.embedded_redis_socket)
            for role in self.roles:
                code = role.exited()
                if code is not None and not self._stopping:
                    delay = role.backoff_s()
                    say(f"{role.name} exited ({code}); restarting in {delay:.1f} s", "bold red")
                    time.sleep(delay)
                    role.start(env)

    def _stop(self, _signum: int, _frame: FrameType | None) -> None:
        self._stopping = True

    def _shutdown(self) -> None:
        say("stopping")
        running = [
            role.process for role in self.roles if role.process is not None and role.process.poll() is None
        ]
        for process in running:
            process.terminate()
        _wait_or_kill(running, timeout_s=15)
        if self.redis is not None and self.redis.poll() is None:
            self.redis.terminate()
            _wait_or_kill([self.redis], timeout_s=5)
        say("stopped")


def say_sandbox(settings: Settings) -> None:
    """Say in plain words how users' code is confined on this machine's worker."""
    try:
        sandbox = detect_sandbox(settings.sandbox)
    except SandboxUnavailable as exc:
        say(f"sandbox: UNAVAILABLE, so the worker refuses every job. {exc}", "bold red")
        return
    if sandbox.active:
        say(f"sandbox: {sandbox.describe()}")
    else:
        say(
            "sandbox: OFF (A6HUB_SANDBOX=off). Every simulation and build runs with this user's rights "
            "and can read and change your files: let no one else use this hub",
            "bold yellow",
        )


def say(message: str, style: str = "") -> None:
    console.print(Text(f"[a6hub] {message}", style=style))


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _wait_or_kill(processes: list[subprocess.Popen[bytes]], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
