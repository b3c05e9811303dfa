"""CPU placement: the server under test on a core of its own, everything else on the others.

On a 2-core machine the server under test (ours or the baseline, alike) gets CPU 0 and the load
generators, the publisher and Redis share CPU 1, as if they ran on another machine; a server of
several processes, and any machine with one core, is left to the scheduler. Every thread of a
process is placed, and threads started later inherit the placement.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path

import psutil

ALL = frozenset(range(os.cpu_count() or 1))


def server_cpus(processes_in_server: int) -> tuple[frozenset[int], frozenset[int]] | None:
    """(the server's CPUs, everyone else's), or None when the server is not placed."""
    if processes_in_server != 1 or len(ALL) < 2:
        return None
    first = min(ALL)
    return frozenset({first}), ALL - {first}


def place(processes: Iterable[psutil.Process], cpus: frozenset[int]) -> None:
    for proc in processes:
        for task in _threads(proc.pid):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.sched_setaffinity(task, cpus)


def describe(placement: tuple[frozenset[int], frozenset[int]] | None) -> str:
    if placement is None:
        return "not placed: the scheduler shares all CPUs between the server and its clients"
    server, others = placement
    return f"server on CPU {_cpus(server)}; load generators, publisher and Redis on CPU {_cpus(others)}"


def _cpus(cpus: frozenset[int]) -> str:
    return ",".join(str(cpu) for cpu in sorted(cpus))


def _threads(pid: int) -> list[int]:
    try:
        return [int(entry.name) for entry in Path(f"/proc/{pid}/task").iterdir()]
    except OSError:
        return [pid]
