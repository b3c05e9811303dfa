"""The memory of a hub process started by a test: its RSS and the kernel's peak-RSS mark."""

from __future__ import annotations

from pathlib import Path

import psutil


def server_process(base: str) -> psutil.Process:
    """The process (a child of this test) listening on ``base``'s port."""
    port = int(base.rsplit(":", 1)[1])
    for child in psutil.Process().children(recursive=True):
        if any(c.laddr.port == port and c.status == psutil.CONN_LISTEN for c in child.net_connections()):
            return child
    raise LookupError(f"no process of this test listens on {port}")


def reset_peak_rss(process: psutil.Process) -> int:
    """Start the kernel's peak-RSS mark (VmHWM) afresh at the current RSS; return that RSS."""
    Path(f"/proc/{process.pid}/clear_refs").write_text("5")
    return process.memory_info().rss


def peak_rss(process: psutil.Process) -> int:
    """The process's highest RSS since it started or since :func:`reset_peak_rss`."""
    for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise LookupError("no VmHWM in /proc/<pid>/status")
