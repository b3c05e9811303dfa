"""Line-delimited JSON commands between the harness and its helper processes.

The harness starts each helper (load generator, publisher, tool runner) as ``python -m bench.X``,
writes one JSON command per line to its stdin and reads one JSON reply per line from its stdout.
Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import json
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO, Any

Message = dict[str, Any]


class ChildError(RuntimeError):
    pass


class Child:
    """A helper process driven by JSON lines."""

    def __init__(
        self, name: str, module: str, log_path: Path, env: dict[str, str] | None = None, nice: int = 0
    ) -> None:
        self.name = name
        self._log = log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", module],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=env,
            start_new_session=True,
            preexec_fn=(lambda: _renice(nice)) if nice else None,
        )
        assert self.proc.stdout is not None
        self._stdout: IO[bytes] = self.proc.stdout
        self._buffer = b""
        self.log_path = log_path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def send(self, **command: Any) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(command) + "\n").encode())
        self.proc.stdin.flush()

    def recv(self, timeout_s: float) -> Message:
        deadline = time.monotonic() + timeout_s
        with selectors.DefaultSelector() as selector:
            selector.register(self._stdout, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ChildError(f"{self.name}: no reply within {timeout_s:.0f} s ({self.log_path})")
                if not selector.select(min(left, 1.0)):
                    if self.proc.poll() is not None:
                        raise ChildError(f"{self.name} exited with {self.proc.returncode} ({self.log_path})")
                    continue
                chunk = os.read(self._stdout.fileno(), 1 << 20)
                if not chunk:
                    raise ChildError(f"{self.name} closed its output ({self.log_path})")
                self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        reply: Message = json.loads(line)
        if "error" in reply:
            raise ChildError(f"{self.name}: {reply['error']}")
        return reply

    def call(self, wait_s: float, **command: Any) -> Message:
        self.send(**command)
        return self.recv(wait_s)

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                self.send(cmd="quit")
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired, ValueError):
                stop_group(self.proc)
        self._log.close()


def _renice(increment: int) -> None:
    os.nice(increment)


def call_all(children: list[Child], wait_s: float, **command: Any) -> list[Message]:
    for child in children:
        child.send(**command)
    return [child.recv(wait_s) for child in children]


def stop_group(proc: subprocess.Popen[bytes], timeout_s: float = 15.0) -> None:
    """SIGTERM the process group, SIGKILL it if it lingers."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=timeout_s)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=timeout_s)


Handler = Callable[[Message], Awaitable[Message | None]]


async def serve_commands(handler: Handler) -> None:
    """Child side: feed each stdin line to ``handler`` and print its reply; stop on 'quit' or EOF."""
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str | None] = asyncio.Queue()

    def read_stdin() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(lines.put_nowait, line)
        loop.call_soon_threadsafe(lines.put_nowait, None)

    threading.Thread(target=read_stdin, daemon=True).start()
    while True:
        line = await lines.get()
        if line is None:
            return
        command: Message = json.loads(line)
        if command.get("cmd") == "quit":
            return
        try:
            reply = await handler(command)
        except Exception as exc:  # reported to the harness, which fails the scenario
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        if reply is not None:
            reply_line(reply)


def reply_line(reply: Message) -> None:
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
