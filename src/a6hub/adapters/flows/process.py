"""Starting a tool in its own process group under resource limits, and stopping all of it."""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from a6hub.adapters.flows.base import FlowError
from a6hub.adapters.flows.sandbox import Sandbox

MiB = 1 << 20
GiB = 1 << 30
KILL_GRACE_S = 2.0


@dataclass(frozen=True, slots=True)
class ToolLimits:
    """Resource limits applied to each tool process of a flow.

    ``memory_bytes`` caps the address space of native tools (iverilog, vvp) only; see
    :func:`_rlimits` for why the WebAssembly tools are exempt. ``output_bytes`` caps how much
    of a tool's output reaches the job log (the tool keeps running; the rest is dropped).
    ``disk_bytes`` is the whole work directory's budget; ``processes`` and ``open_files``
    bound what a tool may start and hold open.
    """

    cpu_seconds: int = 3600
    file_size_bytes: int = 256 * MiB
    memory_bytes: int | None = 4 * GiB
    output_bytes: int = 64 * MiB
    disk_bytes: int = GiB
    processes: int = 256
    open_files: int = 256


DEFAULT_LIMITS = ToolLimits()


def spawn(
    argv: list[str], *, workdir: Path, cwd: Path, limits: ToolLimits, wasm: bool, sandbox: Sandbox
) -> subprocess.Popen[bytes]:
    """Start ``argv`` (never through a shell) in ``cwd``, sandboxed, in a new session and group.

    The process dies with the thread that started it (``PR_SET_PDEATHSIG``), and so does the
    sandbox's whole PID namespace: a killed worker leaves no tool behind.
    """
    env = tool_environment(workdir, wasm=wasm)
    sandbox.prepare(workdir)
    return subprocess.Popen(
        sandbox.command(argv, workdir=workdir, cwd=cwd, env=env, wasm=wasm),
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        close_fds=True,
        preexec_fn=_child_setup(_rlimits(limits, wasm=wasm)),
    )


def tool_environment(workdir: Path, *, wasm: bool) -> dict[str, str]:
    """A minimal environment: nothing of the worker's own settings or secrets leaks to a tool."""
    tmp = workdir / ".tmp"
    tmp.mkdir(exist_ok=True)
    env = {
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "/usr/bin:/bin")]),
        "HOME": str(workdir),
        "LANG": "C.UTF-8",
        "TMPDIR": str(tmp),
    }
    if wasm:
        # HOME is the workdir, so point the runtime at the worker's own cache of compiled
        # WebAssembly: compiling yosys takes about a minute and must not happen per job.
        env["YOWASP_CACHE_DIR"] = yowasp_cache_dir()
        # Without YOWASP_MOUNT the runtime preopens every directory under "/" for the tool;
        # with it, the tool's whole file system is the workdir (its bundled data and a private
        # /tmp are still mounted by the runtime), so `include "/etc/passwd"` finds nothing.
        env["YOWASP_MOUNT"] = f"/={_mountable(workdir)}"
    return env


def yowasp_cache_dir() -> str:
    """Where yowasp-runtime keeps compiled modules for the user running the worker."""
    configured = os.environ.get("YOWASP_CACHE_DIR")
    if configured:
        return configured
    import platformdirs  # a dependency of yowasp-runtime

    return platformdirs.user_cache_dir("YoWASP", appauthor=False)


def _mountable(workdir: Path) -> str:
    path = str(workdir.resolve())
    if ":" in path:
        raise FlowError(f"the job directory {path!r} contains ':'; configure a data directory without it")
    return path


def _rlimits(limits: ToolLimits, *, wasm: bool) -> list[tuple[int, int, int]]:
    file_size = min(limits.file_size_bytes, limits.disk_bytes)
    wanted = [
        (resource.RLIMIT_CORE, 0, 0),
        (resource.RLIMIT_FSIZE, file_size, file_size),
        (resource.RLIMIT_NPROC, limits.processes, limits.processes),
        (resource.RLIMIT_NOFILE, limits.open_files, limits.open_files),
        # The soft limit sends SIGXCPU, which we report; the hard one is the backstop.
        (resource.RLIMIT_CPU, limits.cpu_seconds, limits.cpu_seconds + 5),
    ]
    # Not for WebAssembly tools: wasmtime reserves (without using) over 4 GiB of address space
    # per linear memory plus guard regions, so RLIMIT_AS below ~12 GiB makes yowasp fail at
    # start ("mmap failed to reserve"), and above that it limits nothing. A wasm32 memory is
    # bounded at 4 GiB by design anyway.
    if limits.memory_bytes is not None and not wasm:
        wanted.append((resource.RLIMIT_AS, limits.memory_bytes, limits.memory_bytes))
    return [(kind, *_within_hard_limit(kind, soft, hard)) for kind, soft, hard in wanted]


def _within_hard_limit(kind: int, soft: int, hard: int) -> tuple[int, int]:
    current_hard = resource.getrlimit(kind)[1]
    if current_hard == resource.RLIM_INFINITY:
        return soft, hard
    return min(soft, current_hard), min(hard, current_hard)


def _child_setup(rlimits: list[tuple[int, int, int]]) -> Callable[[], None]:
    # Runs in the child between fork and exec: only precomputed setrlimit and prctl calls.
    def set_up() -> None:
        _die_with_parent()
        for kind, soft, hard in rlimits:
            resource.setrlimit(kind, (soft, hard))

    return set_up


_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None


def _die_with_parent() -> None:
    if _libc is not None:
        _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def has_exited(pid: int) -> bool:
    """True once the process has ended, without reaping it: its group id stays reserved."""
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return True


def kill_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def stop_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the tool's whole process group, then SIGKILL whatever is left after a grace period."""
    kill_group(proc.pid, signal.SIGTERM)
    give_up = time.monotonic() + KILL_GRACE_S
    while not has_exited(proc.pid) and time.monotonic() < give_up:
        time.sleep(0.02)
    kill_group(proc.pid, signal.SIGKILL)


def describe_exit(tool: str, returncode: int, limits: ToolLimits) -> str:
    """Why a tool stopped, in words a user can act on."""
    if returncode >= 0:
        return f"{tool} exited with code {returncode}"
    number = -returncode
    if number == signal.SIGXCPU:
        return f"{tool} used more than its CPU time limit of {limits.cpu_seconds} s"
    if number == signal.SIGXFSZ:
        largest = min(limits.file_size_bytes, limits.disk_bytes)
        return f"{tool} tried to write a file larger than the limit of {largest // MiB} MiB"
    if number == signal.SIGKILL:
        return f"{tool} was killed (it may have run out of memory)"
    try:
        name = signal.Signals(number).name
    except ValueError:
        name = f"signal {number}"
    return f"{tool} crashed ({name})"
