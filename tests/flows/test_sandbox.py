"""The sandbox, attacked as a stranger's testbench would: every read, write and escape must fail.

The jobs here are laid out as a worker lays them out (``<data dir>/work/<host>-<pid>/job-<id>``)
next to a data directory holding what an attacker wants: the signing key and the database.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from tests.flows.flowkit import RecordingSink, processes_in, sources

from a6hub.adapters.flows import (
    FlowError,
    SandboxUnavailable,
    ToolLimits,
    default_sandbox,
    detect_sandbox,
    run_flow,
    yowasp,
)
from a6hub.adapters.flows.runner import Deadline, ToolCall, ToolEnvironment, run_tool
from a6hub.adapters.flows.simulation import waveforms
from a6hub.adapters.flows.tools import find_tool
from a6hub.adapters.worker.job_space import owner_folder_name, remove_leftovers
from a6hub.domain.job_config import SimulationConfig
from a6hub.domain.jobs import JobType

pytestmark = pytest.mark.slow

SECRET = "very-secret-signing-key-0123456789abcdef"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "var"
    (data / "work" / owner_folder_name(os.getpid())).mkdir(parents=True)
    (data / "secret_key").write_text(SECRET)
    (data / "a6hub.sqlite3").write_text(f"users: demo {SECRET}")
    (data / "a6hub.sqlite3-wal").write_text(f"wal: {SECRET}")
    return data


def job_dir(data_dir: Path, job_id: int) -> Path:
    return data_dir / "work" / owner_folder_name(os.getpid()) / f"job-{job_id}"


def reader(*paths: str) -> bytes:
    """A testbench that tries to open each path and prints the first line it could read."""
    tries = "\n".join(
        f'    fd = $fopen("{path}", "r");\n'
        f'    if (fd == 0) $display("DENIED {path}");\n'
        f'    else begin r = $fgets(line, fd); $display("READ {path}: %0s", line); end'
        for path in paths
    )
    return f"""module tb;
  integer fd, r; reg [8*400:1] line;
  initial begin
{tries}
    $finish;
  end
endmodule
""".encode()


def simulate(workdir: Path, bench: bytes, sink: RecordingSink, **limits: int) -> None:
    config = SimulationConfig(top="tb")
    run_flow(JobType.SIMULATION, config, sources({"tb.v": bench}), workdir, sink, timeout_s=60,
             limits=ToolLimits(**limits))  # fmt: skip


@pytest.mark.parametrize(
    "target",
    ["../../../../secret_key", "{data}/secret_key", "{data}/a6hub.sqlite3", "{data}/a6hub.sqlite3-wal"],
)
def test_a_testbench_cannot_read_the_hubs_key_or_database(data_dir: Path, target: str) -> None:
    path = target.format(data=data_dir)
    sink = RecordingSink()
    simulate(job_dir(data_dir, 1), reader(path), sink)
    assert f"DENIED {path}" in sink.output
    assert SECRET not in sink.output


def test_a_testbench_cannot_read_the_system_or_the_workers_environment(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("A6HUB_SECRET_KEY", SECRET)
    targets = ["/etc/passwd", f"/proc/{os.getpid()}/environ", "/proc/1/environ", "/proc/self/environ"]
    sink = RecordingSink()
    simulate(job_dir(data_dir, 1), reader(*targets), sink)
    assert SECRET not in sink.output
    for path in targets[:3]:
        assert f"DENIED {path}" in sink.output
    assert "A6HUB" not in sink.output


def test_a_testbench_cannot_write_outside_its_directory(data_dir: Path) -> None:
    outside = data_dir / "planted.txt"
    wave = data_dir / "work" / "planted.vcd"
    bench = f"""module tb; integer fd; reg c = 0;
  initial begin
    fd = $fopen("{outside}", "w"); $fdisplay(fd, "owned"); $fclose(fd);
    fd = $fopen("../../../../planted-relative.txt", "w"); $fdisplay(fd, "owned"); $fclose(fd);
    $dumpfile("{wave}"); $dumpvars(0, tb); #10 c = 1; #10 $finish;
  end
endmodule
""".encode()
    simulate(job_dir(data_dir, 1), bench, RecordingSink())
    assert not outside.exists()
    assert not (data_dir / "planted-relative.txt").exists()
    assert not wave.exists()


def test_jobs_cannot_read_or_change_each_other(data_dir: Path) -> None:
    victim = job_dir(data_dir, 1) / "src" / "private_core.v"
    victim.parent.mkdir(parents=True)
    victim.write_text(f"// {SECRET}\nmodule private_core; endmodule\n")
    relative = "../../job-1/src/private_core.v"
    bench = reader(relative, str(victim)).replace(
        b"    $finish;",
        f'    fd = $fopen("{victim}", "w"); $fdisplay(fd, "tampered"); $finish;'.encode(),
    )
    sink = RecordingSink()
    simulate(job_dir(data_dir, 2), bench, sink)
    assert f"DENIED {relative}" in sink.output
    assert SECRET not in sink.output
    assert victim.read_text().startswith(f"// {SECRET}")


def run_shell(workdir: Path, script: str, **limits: int) -> tuple[int, str]:
    """Run a stand-in tool (a test-only shell script) in the sandbox."""
    workdir.mkdir(parents=True, exist_ok=True)
    sink = RecordingSink()
    tools = ToolEnvironment(workdir.resolve(), ToolLimits(**limits), default_sandbox())
    code = run_tool(
        ToolCall("sh", ["/bin/sh", "-c", script]), tools=tools, sink=sink, deadline=Deadline.after(60)
    )
    return code, sink.output


def test_the_sandbox_shows_only_the_jobs_directory(data_dir: Path) -> None:
    workdir = job_dir(data_dir, 1)
    script = "id -u; echo ROOT $(ls /); echo PIDS $(ls /proc | grep -c '^[0-9]'); cat /proc/net/dev; env"
    code, output = run_shell(workdir, script)
    assert code == 0
    lines = output.splitlines()
    assert lines[0] == str(default_sandbox().uid) != "0"
    root = next(line for line in lines if line.startswith("ROOT ")).split()[1:]
    assert "home" not in root and "var" not in root and "srv" not in root
    assert set(root) <= {"bin", "dev", "etc", "lib", "lib32", "lib64", "libx32", "proc", "sbin", "tmp", "usr",
                         "root", "work", "opt"}  # fmt: skip
    pids = int(next(line for line in lines if line.startswith("PIDS ")).split()[1])
    assert pids <= 8, "only the sandbox's own processes are visible (init, sh, the pipeline)"
    interfaces = [line.split(":")[0].strip() for line in lines if ":" in line and "|" not in line]
    assert [name for name in interfaces if name in {"lo", "eth0", "ens3"} or name.startswith("veth")] == [
        "lo"
    ]
    assert not any(line.startswith("A6HUB_") for line in lines)
    assert not (data_dir / "work" / "job-1").exists()


def test_a_fork_bomb_hits_the_process_limit(data_dir: Path) -> None:
    script = "i=0; while [ $i -lt 100 ]; do sleep 30 & i=$((i+1)); done; echo all 100 started"
    code, output = run_shell(job_dir(data_dir, 1), script, processes=20)
    assert re.fullmatch(r"/bin/sh: \d+: Cannot fork\n", output), output
    assert code == 2


def test_a_disk_filling_testbench_fails_with_a_clear_message(data_dir: Path) -> None:
    bench = b"""module tb; integer fd, f, i;
  initial begin
    for (f = 0; f < 6; f = f + 1) begin
      fd = $fopen({"fill", "0" + f[7:0], ".txt"}, "w");
      for (i = 0; i < 32768; i = i + 1) $fdisplay(fd, "0123456789abcdef0123456789abcdef0123456789abcdef");
      $fclose(fd);
    end
    $finish;
  end
endmodule
"""
    workdir = job_dir(data_dir, 1)
    with pytest.raises(FlowError, match=r"over its budget of 4 MiB \(A6HUB_JOB_DISK_BYTES\)") as failure:
        simulate(workdir, bench, RecordingSink(), disk_bytes=4 << 20)
    assert not getattr(failure.value, "result", None), "nothing of an over-budget job is kept"


WORKER_STAND_IN = """
import sys
import tempfile
from pathlib import Path
from a6hub.adapters.flows import ToolLimits, default_sandbox
from a6hub.adapters.flows.runner import Deadline, ToolCall, ToolEnvironment, run_tool
from a6hub.adapters.flows import yowasp
from a6hub.adapters.flows.simulation import waveforms
from a6hub.adapters.flows.tools import find_tool

class Printer:
    def step_started(self, name): pass
    def step_progress(self, fraction): pass
    def log(self, text): print(text, end="", flush=True)
    def cancel_requested(self): return False

workdir = Path(sys.argv[1])
tools = ToolEnvironment(workdir, ToolLimits(), default_sandbox())
script = "trap '' TERM HUP; (trap '' TERM HUP; sleep 300) & sleep 300 & echo started; wait"
run_tool(ToolCall("sh", ["/bin/sh", "-c", script]), tools=tools, sink=Printer(), deadline=Deadline.after(600))
"""


def test_tools_die_with_a_killed_worker(data_dir: Path) -> None:
    workdir = job_dir(data_dir, 1).resolve()
    workdir.mkdir(parents=True)
    worker = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(WORKER_STAND_IN), str(workdir)], stdout=subprocess.PIPE
    )
    assert worker.stdout is not None
    assert worker.stdout.readline() == b"started\n"
    assert len(processes_in(workdir)) >= 3
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    worker.stdout.close()
    deadline = time.monotonic() + 10  # the kernel kills the namespace at once; allow a loaded machine
    while processes_in(workdir):
        assert time.monotonic() < deadline, f"tools outlived their worker: {processes_in(workdir)}"
        time.sleep(0.05)


def test_a_starting_worker_kills_what_a_dead_one_left(tmp_path: Path) -> None:
    gone = subprocess.Popen(["/bin/true"])
    gone.wait()
    folder = tmp_path / "work" / owner_folder_name(gone.pid) / "job-7"
    folder.mkdir(parents=True)
    # An unsandboxed tool (A6HUB_SANDBOX=off) that outlived its worker, in its own session.
    orphan = subprocess.Popen(["/bin/sleep", "300"], cwd=folder, start_new_session=True)
    try:
        remove_leftovers(tmp_path / "work")
        assert orphan.wait(timeout=10) == -signal.SIGKILL
        assert not folder.parent.exists()
    finally:
        orphan.kill()


def test_without_bubblewrap_the_worker_says_how_to_fix_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(SandboxUnavailable, match=r"apt-get install bubblewrap.*A6HUB_SANDBOX=off"):
        detect_sandbox("on")
    assert not detect_sandbox("off").active


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to start a worker stand-in as another user")
def test_a_worker_running_as_an_ordinary_user_gets_a_user_namespace() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="a6hub-userns-"))
    try:
        (workdir / ".tmp").mkdir()
        os.chmod(workdir, 0o755)  # noqa: S103 - the stand-in user must reach it
        os.chown(workdir, 65534, 65534)
        os.chown(workdir / ".tmp", 65534, 65534)
        sandbox = dataclasses.replace(default_sandbox(), as_root=False)
        script = "id -u; echo x > made.txt; ls /proc | grep -c '^[0-9]'; cat /proc/net/dev | grep -c ':'"
        argv = sandbox.command(["/bin/sh", "-c", script], workdir=workdir, cwd=workdir, env={}, wasm=False)
        as_user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *argv]
        done = subprocess.run(as_user, capture_output=True, text=True, timeout=30, check=False)
        assert done.returncode == 0, done.stderr
        uid, processes, interfaces = done.stdout.split()
        assert (uid, interfaces) == ("65534", "1"), "uid 65534 inside, and no network but loopback"
        assert int(processes) < 8
        assert (workdir / "made.txt").stat().st_uid == 65534
    finally:
        shutil.rmtree(workdir)


def test_a_linked_waveform_is_not_taken_as_an_artifact(data_dir: Path) -> None:
    workdir = job_dir(data_dir, 1)
    (workdir / "src").mkdir(parents=True)
    (workdir / "src" / "leak.vcd").symlink_to(data_dir / "secret_key")
    (workdir / "linked").symlink_to(data_dir, target_is_directory=True)
    (workdir / "src" / "wave.vcd").write_text("$date today $end\n")
    assert waveforms(workdir, set()) == [workdir / "src" / "wave.vcd"]


def test_a_cold_tool_cache_is_filled_outside_and_read_inside(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = Path(tempfile.mkdtemp(prefix="a6hub-cold-cache-"))  # 0700, as with a strict umask
    monkeypatch.setenv("YOWASP_CACHE_DIR", str(cache))
    monkeypatch.setattr(yowasp, "_ready", set())
    icepack = find_tool("yowasp-icepack")
    assert icepack is not None
    workdir = job_dir(data_dir, 1)
    workdir.mkdir(parents=True)
    tools = ToolEnvironment(workdir.resolve(), ToolLimits(), default_sandbox())
    sink = RecordingSink()
    try:
        assert not yowasp.is_cached("yowasp-icepack")
        yowasp.prepare_yowasp(icepack, tools=tools, sink=sink, deadline=Deadline.after(300))
        assert yowasp.is_cached("yowasp-icepack")
        assert "[a6hub] compiling yowasp-icepack for this worker" in sink.output
        sink.chunks.clear()
        call = ToolCall("icepack", [icepack, "-h"], wasm=True)
        run_tool(call, tools=tools, sink=sink, deadline=Deadline.after(300))
        assert "Usage: yowasp-icepack" in sink.output, sink.output
        assert "Preparing to run" not in sink.output and "Error" not in sink.output
    finally:
        shutil.rmtree(cache)
