"""Running one tool: streaming its output to the sink while watching for cancel and deadline."""

from __future__ import annotations

import contextlib
import fcntl
import os
import selectors
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from a6hub.adapters.flows.base import FlowCancelled, FlowSink, FlowTimedOut
from a6hub.adapters.flows.disk import CHECK_EVERY_S, DiskBudgetExceeded, check_disk_budget
from a6hub.adapters.flows.lines import LineBuffer, OutputBatcher, OutputWatcher
from a6hub.adapters.flows.process import ToolLimits, has_exited, kill_group, spawn, stop_group
from a6hub.adapters.flows.sandbox import Sandbox

READ_SIZE = 1 << 16
PIPE_SIZE = 1 << 20
# After a short read, let output pile up a moment: a tool printing 100k lines/s (unbuffered,
# one write per line) then costs us a few hundred reads per second instead of one per line.
SETTLE_S = 0.002
POLL_S = 0.1
EOF_GRACE_S = 0.5
MAX_DRAIN_READS = 256

__all__ = ["Deadline", "OutputWatcher", "ToolCall", "ToolEnvironment", "run_tool"]


@dataclass(frozen=True, slots=True)
class Deadline:
    """The wall-clock limit of a whole flow; ``hint`` is added to the timeout message."""

    at: float
    seconds: float
    hint: str = ""

    @classmethod
    def after(cls, seconds: float, hint: str = "") -> Deadline:
        return cls(time.monotonic() + seconds, seconds, hint)


@dataclass(frozen=True, slots=True)
class ToolCall:
    """One tool invocation. ``name`` is what messages call it.

    ``cwd`` is a folder of the workdir to run in (default: the workdir itself). With
    ``log_file`` the tool's log is read from that file as it grows (yosys, whose stdout
    dies once ABC has run in the WebAssembly build); the pipe then only carries what
    ``pipe_filter`` keeps, so messages also present in the file are not shown twice.
    """

    name: str
    argv: list[str]
    wasm: bool = False
    log_file: Path | None = None
    pipe_filter: Callable[[str], bool] | None = None
    cwd: str | None = None


@dataclass(frozen=True, slots=True)
class ToolEnvironment:
    """Where and how a flow's tools run: the job's directory, its limits and its sandbox."""

    workdir: Path
    limits: ToolLimits
    sandbox: Sandbox


def run_tool(
    call: ToolCall,
    *,
    tools: ToolEnvironment,
    sink: FlowSink,
    deadline: Deadline,
    watcher: OutputWatcher | None = None,
) -> int:
    """Run the tool to completion and return its exit code (negative: killed by that signal).

    Raises :class:`FlowCancelled`, :class:`FlowTimedOut` or :class:`DiskBudgetExceeded`
    after killing the tool's whole process group (and its sandbox).
    """
    if call.log_file is not None:
        call.log_file.unlink(missing_ok=True)
    workdir, limits = tools.workdir, tools.limits
    proc = spawn(
        call.argv,
        workdir=workdir,
        cwd=workdir / (call.cwd or "."),
        limits=limits,
        wasm=call.wasm,
        sandbox=tools.sandbox,
    )
    output = OutputBatcher(call.name, sink, watcher, limits.output_bytes)
    session = _Session(call, proc, output, workdir=workdir, disk_bytes=limits.disk_bytes)
    try:
        return tools.sandbox.exit_status(session.follow(sink, deadline))
    finally:
        kill_group(proc.pid, signal.SIGKILL)
        session.close()
        proc.wait()


class _Session:
    """One running tool: its pipe, its log file if any, and where their lines go."""

    def __init__(
        self,
        call: ToolCall,
        proc: subprocess.Popen[bytes],
        output: OutputBatcher,
        *,
        workdir: Path,
        disk_bytes: int,
    ) -> None:
        assert proc.stdout is not None
        self._call, self._proc, self._output = call, proc, output
        self._workdir, self._disk_bytes = workdir, disk_bytes
        self._fd = proc.stdout.fileno()
        os.set_blocking(self._fd, False)
        _enlarge_pipe(self._fd)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._fd, selectors.EVENT_READ)
        self._pipe_lines, self._file_lines = LineBuffer(), LineBuffer()
        self._log_file: BinaryIO | None = None
        self._eof = False

    def follow(self, sink: FlowSink, deadline: Deadline) -> int:
        next_cancel_check = next_disk_check = 0.0
        exited_at: float | None = None
        while True:
            self._pump()
            now = time.monotonic()
            if now >= next_cancel_check:
                next_cancel_check = now + POLL_S
                if sink.cancel_requested():
                    self._abort(FlowCancelled(f"cancelled while {self._call.name} was running"))
            if now >= next_disk_check:
                next_disk_check = now + CHECK_EVERY_S
                self._check_disk()
            if now >= deadline.at:
                self._abort(FlowTimedOut(_timeout_message(self._call.name, deadline)))
            if exited_at is None and has_exited(self._proc.pid):
                exited_at = now
            if exited_at is not None and (self._eof or now - exited_at > EOF_GRACE_S):
                break
        self._drain()
        check_disk_budget(self._workdir, self._disk_bytes)
        return self._proc.wait()

    def close(self) -> None:
        self._selector.close()
        assert self._proc.stdout is not None
        self._proc.stdout.close()
        if self._log_file is not None:
            self._log_file.close()

    def _pump(self) -> None:
        if self._eof:
            time.sleep(POLL_S / 2)
        elif self._selector.select(POLL_S) and self._read_pipe() < READ_SIZE:
            time.sleep(SETTLE_S)
        self._read_log_file()
        self._output.flush_if_due()

    def _read_pipe(self) -> int:
        """Read what the pipe holds (up to READ_SIZE); return how many bytes that was."""
        try:
            data = os.read(self._fd, READ_SIZE)
        except BlockingIOError:
            return 0
        if not data:
            self._eof = True
            self._selector.unregister(self._fd)
            return 0
        self._add_pipe_lines(self._pipe_lines.feed(data))
        return len(data)

    def _read_log_file(self) -> None:
        if self._call.log_file is None:
            return
        if self._log_file is None:
            try:
                self._log_file = self._call.log_file.open("rb")
            except FileNotFoundError:
                return
        while data := self._log_file.read(READ_SIZE):
            self._output.add(self._file_lines.feed(data))

    def _drain(self) -> None:
        """Deliver what is still buffered once the tool has stopped."""
        for _ in range(MAX_DRAIN_READS):
            if self._eof or not self._selector.select(0):
                break
            self._read_pipe()
        self._read_log_file()
        self._add_pipe_lines(self._pipe_lines.flush())
        self._output.add(self._file_lines.flush())
        self._output.flush()

    def _check_disk(self) -> None:
        try:
            check_disk_budget(self._workdir, self._disk_bytes)
        except DiskBudgetExceeded as exc:
            self._abort(exc)

    def _abort(self, error: Exception) -> None:
        stop_group(self._proc)
        self._drain()
        raise error

    def _add_pipe_lines(self, text: str) -> None:
        keep = self._call.pipe_filter
        if keep is not None and self._call.log_file is not None and text:
            text = "".join(line for line in text.splitlines(keepends=True) if keep(line))
        self._output.add(text)


def _enlarge_pipe(fd: int) -> None:
    """Give the tool room to keep writing while we are busy (Linux; best effort)."""
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if set_size is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, set_size, PIPE_SIZE)


def _timeout_message(tool: str, deadline: Deadline) -> str:
    message = f"the job timed out after {deadline.seconds:g} s (while {tool} was running)"
    return f"{message}: {deadline.hint}" if deadline.hint else message
