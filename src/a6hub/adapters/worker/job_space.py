"""Where a worker process runs its jobs: their folders, their sandbox and limits, no leftovers.

Each worker process keeps its jobs under ``<data dir>/work/<host>-<pid>/job-<id>``. The tools
of a job die with the process that started them (the sandbox's PID namespace, and
``PR_SET_PDEATHSIG``); whatever a dead worker process still left behind on this host
(processes working in its folders, the folders themselves) is removed by the next worker
process that starts here.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import socket
from dataclasses import dataclass
from pathlib import Path

from a6hub.adapters.flows import Sandbox, SandboxUnavailable, ToolLimits, detect_sandbox
from a6hub.config import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class JobSpace:
    """One worker process's job folders, sandbox and limits, set up once when it starts."""

    root: Path
    limits: ToolLimits
    sandbox: Sandbox | None
    sandbox_problem: str = ""

    @classmethod
    def create(cls, settings: Settings) -> JobSpace:
        data_dir = settings.data_dir.resolve()
        secure_data_dir(data_dir)
        work = data_dir / "work"
        remove_leftovers(work)
        limits = ToolLimits(disk_bytes=settings.job_disk_bytes)
        root = work / owner_folder_name(os.getpid())
        try:
            sandbox = detect_sandbox(settings.sandbox, hidden=(data_dir,))
        except SandboxUnavailable as exc:
            log.error("this worker will refuse every job: %s", exc)
            return cls(root, limits, None, str(exc))
        if not sandbox.active:
            log.warning("A6HUB_SANDBOX=off: %s", sandbox.describe())
        return cls(root, limits, sandbox)

    def workdir(self, job_id: int) -> Path:
        return self.root / f"job-{job_id}"

    def require_sandbox(self) -> Sandbox:
        """The sandbox, or :class:`SandboxUnavailable` saying why jobs cannot run here."""
        if self.sandbox is None:
            raise SandboxUnavailable(f"this worker cannot run jobs safely: {self.sandbox_problem}")
        return self.sandbox


def secure_data_dir(data_dir: Path) -> None:
    """The data directory (database, secret key, jobs) is for the hub's own user only."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(PermissionError):
        data_dir.chmod(0o700)


def owner_folder_name(pid: int) -> str:
    return f"{socket.gethostname()}-{pid}"


def remove_leftovers(work: Path) -> None:
    """Kill what dead worker processes of this host left running, and remove their folders."""
    if not work.is_dir():
        return
    host = socket.gethostname()
    for folder in work.iterdir():
        name, _, pid = folder.name.rpartition("-")
        if name != host or not pid.isdigit():
            continue
        if int(pid) == os.getpid() or not _is_worker(int(pid)):
            killed = kill_processes_in(folder)
            if killed:
                log.warning("killed %d leftover tool process(es) in %s", killed, folder)
            shutil.rmtree(folder, ignore_errors=True)


def kill_processes_in(folder: Path) -> int:
    """SIGKILL every process whose working directory is ``folder`` or below; return how many."""
    killed = 0
    for pid in _pids_working_in(folder.resolve()):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
            killed += 1
    return killed


def _pids_working_in(folder: Path) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cwd = Path(os.readlink(entry / "cwd"))
        except OSError:
            continue
        if cwd == folder or folder in cwd.parents:
            found.append(int(entry.name))
    return found


def _is_worker(pid: int) -> bool:
    """True if ``pid`` is alive and an a6hub worker (not a process that got a recycled pid)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return any(name in cmdline for name in (b"a6hub", b"celery", b"pytest"))
