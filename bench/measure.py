"""CPU and memory of the processes taking part, read with psutil."""

from __future__ import annotations

import time
from collections.abc import Callable

import psutil

Group = Callable[[], list[psutil.Process]]


def cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def rss_bytes(processes: list[psutil.Process]) -> int:
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total


def machine_busy_seconds() -> float:
    times = psutil.cpu_times()
    return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))


class CpuMeter:
    """CPU used by each group of processes between ``start`` and ``stop``, in % of one core."""

    def __init__(self, groups: dict[str, Group]) -> None:
        self._groups = groups
        self._start: dict[str, float] = {}
        self._started_at = 0.0
        self._machine = 0.0

    def start(self) -> None:
        self._start = {name: cpu_seconds(group()) for name, group in self._groups.items()}
        self._machine = machine_busy_seconds()
        self._started_at = time.monotonic()

    def stop(self) -> dict[str, float]:
        elapsed = max(time.monotonic() - self._started_at, 1e-6)
        shares = {
            name: 100.0 * (cpu_seconds(group()) - self._start[name]) / elapsed
            for name, group in self._groups.items()
        }
        shares["machine"] = 100.0 * (machine_busy_seconds() - self._machine) / elapsed
        return shares


def process(pid: int) -> list[psutil.Process]:
    try:
        return [psutil.Process(pid)]
    except psutil.NoSuchProcess:
        return []
