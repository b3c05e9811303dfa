"""The sandbox every tool process runs in: bubblewrap namespaces around one job's directory.

A sandboxed tool sees a fresh file system: the system's ``/usr`` (read-only), for the
WebAssembly tools the Python installation and the compiled-module cache (read-only), its
own ``/proc`` and ``/dev``, a small private ``/tmp``, and the job's work directory, the only
place it can write. Nothing else of the hub exists there: no data directory, no other
job, no secret. It has its own PID, network (none), IPC and UTS namespaces, an
unprivileged uid, no capabilities, and dies with the worker process that started it.

Two ways to get the unprivileged uid:

* the worker runs as an ordinary user: bubblewrap makes a user namespace (uid 65534 inside);
* the worker runs as root: bubblewrap keeps the real uid, and ``setpriv`` switches to a uid of
  the worker process's own (:data:`JOB_UID_BASE` + its pid) before the tool starts, so the
  kernel counts each job's processes against ``RLIMIT_NPROC`` apart from every other job's
  (it never does for root, nor for a uid that maps back to root). The work directory is
  handed to that uid before each tool runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from a6hub.adapters.flows.base import FlowError

SANDBOX_UID = 65534  # "nobody", inside a user namespace
SANDBOX_GID = 65534
# Far above the uids and subordinate-uid ranges of real accounts; one uid per worker process.
JOB_UID_BASE = 1_900_000_000
TMP_BYTES = 64 << 20
# /bin, /lib, ... are symlinks into /usr on merged-/usr systems, directories elsewhere.
_ROOT_LINKS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")
_SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime")
_INSTALL_HINT = (
    "install bubblewrap (`apt-get install bubblewrap`; `make run` and `make test` do it), "
    "or, on a single-user machine only, set A6HUB_SANDBOX=off"
)


class SandboxUnavailable(FlowError):
    """No sandbox can be made on this worker; the message says why and how to fix it."""


@dataclass(frozen=True, slots=True)
class Sandbox:
    """How tool processes are confined; :meth:`command` wraps a tool's argv.

    ``bwrap`` is None when the sandbox is off (``A6HUB_SANDBOX=off``): tools then run with
    the worker's own rights, in a scrubbed environment and under rlimits only.
    ``hidden`` is the hub's data directory: nothing mounted in the sandbox may contain it.
    """

    bwrap: str | None
    as_root: bool = False
    setpriv: str | None = None
    hidden: tuple[Path, ...] = ()
    runtime_paths: tuple[Path, ...] = field(default_factory=lambda: python_paths())

    @property
    def active(self) -> bool:
        return self.bwrap is not None

    @property
    def uid(self) -> int:
        """The uid the tools run as (inside the sandbox; the same outside in root mode)."""
        return JOB_UID_BASE + os.getpid() if self.as_root else SANDBOX_UID

    def describe(self) -> str:
        if self.bwrap is None:
            return "OFF: tools run with the worker's own rights and can read everything it can"
        how = "a uid of its own per worker process" if self.as_root else "a user namespace, uid 65534"
        return f"bubblewrap ({how}; only the job's directory is visible and writable; no network)"

    def command(
        self, argv: list[str], *, workdir: Path, cwd: Path, env: dict[str, str], wasm: bool
    ) -> list[str]:
        """The argv that runs ``argv`` confined to ``workdir`` (``argv`` itself when off)."""
        if self.bwrap is None:
            return argv
        read_only = self._tool_paths(argv[0], wasm=wasm, env=env)
        command = [
            self.bwrap,
            *_namespaces(as_root=self.as_root),
            "--die-with-parent",
            "--new-session",
            *_system_mounts(),
            "--proc", "/proc",
            "--dev", "/dev",
            # A small private /tmp for tools that ignore TMPDIR (which points into the workdir).
            "--perms", "1777", "--size", str(TMP_BYTES), "--tmpfs", "/tmp",  # noqa: S108
            *_folders_leading_to([*read_only, workdir]),
            *[arg for path in read_only for arg in ("--ro-bind", str(path), str(path))],
            "--bind", str(workdir), str(workdir),
            "--chdir", str(cwd),
            "--clearenv",
            *[arg for name, value in env.items() for arg in ("--setenv", name, value)],
            "--",
        ]  # fmt: skip
        if self.as_root:
            command += [
                self.setpriv or "setpriv",
                f"--reuid={self.uid}",
                f"--regid={self.uid}",
                "--clear-groups",
                "--inh-caps=-all",
                "--bounding-set=-all",
                "--no-new-privs",
            ]
        return [*command, *argv]

    def prepare(self, workdir: Path) -> None:
        """Give the work directory to the sandbox's uid (root mode; the tool writes there)."""
        if not (self.active and self.as_root):
            return
        (workdir / ".tmp").mkdir(exist_ok=True)
        for root, dirs, files in os.walk(workdir):
            os.lchown(root, self.uid, self.uid)
            for name in (*dirs, *files):
                os.lchown(os.path.join(root, name), self.uid, self.uid)

    def exit_status(self, returncode: int) -> int:
        """The tool's own exit status: bubblewrap reports death by signal N as 128 + N."""
        if self.active and 128 < returncode < 128 + 65:
            return -(returncode - 128)
        return returncode

    def _tool_paths(self, executable: str, *, wasm: bool, env: dict[str, str]) -> list[Path]:
        """Folders outside /usr the tool needs to see (read-only)."""
        paths: list[Path] = []
        tool = Path(executable).resolve()
        if not _under(tool, Path("/usr")):
            paths.append(tool.parent.parent if tool.parent.name == "bin" else tool.parent)
        if wasm:
            paths += self.runtime_paths
            cache = env.get("YOWASP_CACHE_DIR")
            if cache and Path(cache).is_dir():
                paths.append(Path(cache))
        kept = _outermost(paths)
        for path in kept:
            if any(_under(hidden, path) for hidden in self.hidden):
                raise SandboxUnavailable(
                    f"the sandbox would have to show {path}, which contains the hub's data "
                    f"directory; keep A6HUB_DATA_DIR outside the Python installation and the tools"
                )
        return kept


def detect_sandbox(mode: str, *, hidden: tuple[Path, ...] = ()) -> Sandbox:
    """The sandbox for ``A6HUB_SANDBOX=mode``; :class:`SandboxUnavailable` if "on" cannot work."""
    if mode == "off":
        return Sandbox(bwrap=None)
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable(f"bubblewrap (bwrap) is not installed on the worker: {_INSTALL_HINT}")
    as_root = os.geteuid() == 0
    setpriv = shutil.which("setpriv")
    if as_root and setpriv is None:
        raise SandboxUnavailable(
            "the worker runs as root and `setpriv` (util-linux) is missing: install util-linux, "
            "or run the worker as an ordinary user"
        )
    hidden = tuple(path.resolve() for path in hidden)
    sandbox = Sandbox(bwrap=bwrap, as_root=as_root, setpriv=setpriv, hidden=hidden)
    _probe(sandbox)
    return sandbox


def _probe(sandbox: Sandbox) -> None:
    """Start a trivial sandbox once, so a kernel that forbids it is reported before any job."""
    scratch = Path(tempfile.mkdtemp(prefix="a6hub-sandbox-probe-"))
    (scratch / ".tmp").mkdir()
    try:
        sandbox.prepare(scratch)
        env = {"PATH": "/usr/bin:/bin"}
        argv = sandbox.command(["/bin/sh", "-c", "id -u"], workdir=scratch, cwd=scratch, env=env, wasm=False)
        done = subprocess.run(argv, capture_output=True, stdin=subprocess.DEVNULL, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SandboxUnavailable(f"bubblewrap could not be started: {exc}; {_INSTALL_HINT}") from exc
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if done.returncode != 0 or done.stdout.strip() != str(sandbox.uid).encode():
        reason = done.stderr.decode("utf-8", errors="replace").strip() or f"exit code {done.returncode}"
        raise SandboxUnavailable(
            f"bubblewrap cannot make a sandbox here ({reason}). Unprivileged user namespaces may be "
            "disabled: enable them (`sysctl kernel.unprivileged_userns_clone=1`, or on Ubuntu "
            "`sysctl kernel.apparmor_restrict_unprivileged_userns=0`), run the worker as root, or, on a "
            "single-user machine only, set A6HUB_SANDBOX=off"
        )


def python_paths() -> tuple[Path, ...]:
    """What a Python console script (the YoWASP tools) needs to start: the venv and its base."""
    candidates = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    candidates.add(str(Path(sys.executable).resolve().parent.parent))
    return tuple(Path(path).resolve() for path in sorted(candidates))


def _namespaces(*, as_root: bool) -> list[str]:
    shared = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    if as_root:
        return shared
    return [*shared, "--unshare-user", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_GID)]


def _system_mounts() -> list[str]:
    mounts = ["--ro-bind", "/usr", "/usr"]
    for name in _ROOT_LINKS:
        path = Path("/") / name
        if path.is_symlink():
            mounts += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            mounts += ["--ro-bind", str(path), str(path)]
    for name in _SYSTEM_FILES:
        if Path(name).exists():
            mounts += ["--ro-bind", name, name]
    return mounts


def _folders_leading_to(mount_points: Iterable[Path]) -> list[str]:
    """Create the folders above each mount point world-readable (bubblewrap would make them 0700)."""
    made: list[Path] = [Path("/tmp"), Path("/proc"), Path("/dev")]  # noqa: S108 - mounted already
    for point in mount_points:
        for folder in reversed(point.parents):
            if folder.parent != folder and folder not in made and not _under(folder, Path("/usr")):
                made.append(folder)
    return [arg for folder in made[3:] for arg in ("--perms", "0755", "--dir", str(folder))]


def _outermost(paths: Iterable[Path]) -> list[Path]:
    """Drop paths inside other paths of the list (one mount covers them)."""
    unique = sorted(set(paths), key=lambda path: len(path.parts))
    kept: list[Path] = []
    for path in unique:
        if not any(_under(path, outer) for outer in kept) and not _under(path, Path("/usr")):
            kept.append(path)
    return kept


def _under(path: Path, ancestor: Path) -> bool:
    return path == ancestor or ancestor in path.parents
