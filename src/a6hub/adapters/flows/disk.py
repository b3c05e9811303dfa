"""A job's disk budget: what its work directory may hold, checked while its tools run."""

from __future__ import annotations

import os
from pathlib import Path

from a6hub.adapters.flows.base import FlowError

MiB = 1 << 20
MAX_ENTRIES = 100_000
CHECK_EVERY_S = 0.5


class DiskBudgetExceeded(FlowError):
    """The job's files outgrew its budget (or became too many); its tools were stopped."""


def disk_usage(root: Path, *, max_entries: int = MAX_ENTRIES) -> int:
    """Bytes allocated to the files under ``root``; raises past ``max_entries`` files and folders."""
    total, entries = 0, 0
    pending = [str(root)]
    while pending:
        try:
            scan = os.scandir(pending.pop())
        except OSError:
            continue
        with scan:
            for entry in scan:
                entries += 1
                if entries > max_entries:
                    raise DiskBudgetExceeded(
                        f"the job created more than {max_entries:,} files and folders in its work "
                        "directory; its tools were stopped"
                    )
                try:
                    stat = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                total += stat.st_blocks * 512
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
    return total


def check_disk_budget(root: Path, budget_bytes: int) -> None:
    """Raise :class:`DiskBudgetExceeded`, in words a user can act on, once ``root`` is over budget."""
    used = disk_usage(root)
    if used > budget_bytes:
        raise DiskBudgetExceeded(
            f"the job used {used // MiB} MiB of disk, over its budget of {budget_bytes // MiB} MiB "
            "(A6HUB_JOB_DISK_BYTES); its tools were stopped. Write less: dump fewer signals or a "
            "shorter time window ($dumpvars levels, $dumpoff), or write FST instead of VCD"
        )
