"""Fair share: how many jobs one user may have queued and running, and what one job may keep.

A limit of 0 (or less) means no limit. Each limit is named in its messages by the variable
that sets it, so whoever hits one knows what to ask their admin for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from a6hub.domain.errors import TooManyRequests
from a6hub.domain.jobs import JobStatus, can_transition

QUEUE_FULL_RETRY_AFTER_S = 30
"""``Retry-After`` of a refused job: a guess at how soon one of the user's jobs starts."""
START_RETRY_S = 5
"""How long a job held back by the running limit waits before it is tried again."""
MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class JobLimits:
    """Per user: jobs running at once, and jobs waiting for their turn."""

    max_running: int
    max_queued: int


@dataclass(frozen=True, slots=True)
class UserJobs:
    """How many of one user's jobs are queued (pending) and running."""

    queued: int
    running: int


def _over(count: int, limit: int) -> bool:
    return limit > 0 and count >= limit


def check_can_queue(limits: JobLimits, jobs: UserJobs) -> None:
    """Refuse (429) a new job of a user who already has ``max_queued`` jobs waiting."""
    if _over(jobs.queued, limits.max_queued):
        raise TooManyRequests(
            f"you have {jobs.queued} jobs queued and {jobs.running} running; the limit is "
            f"{limits.max_queued} queued jobs per user (A6HUB_MAX_QUEUED_JOBS_PER_USER): "
            "wait for some to start, or cancel one",
            retry_after_s=QUEUE_FULL_RETRY_AFTER_S,
        )


class StartDecision(Enum):
    START = "start"
    WAIT = "wait"  # the user has enough jobs running: stay queued, try again later
    GONE = "gone"  # cancelled or taken meanwhile: nothing to do


def decide_start(status: JobStatus, running_of_user: int, limits: JobLimits) -> StartDecision:
    """May a worker start this job now? ``running_of_user`` counts the owner's running jobs."""
    if not can_transition(status, JobStatus.RUNNING):
        return StartDecision.GONE
    if _over(running_of_user, limits.max_running):
        return StartDecision.WAIT
    return StartDecision.START


def waiting_message(running_of_user: int, limits: JobLimits) -> str:
    """The log line of a job held back by the running limit."""
    return (
        f"[a6hub] queued: you have {running_of_user} jobs running and the limit is "
        f"{limits.max_running} per user (A6HUB_MAX_RUNNING_JOBS_PER_USER); "
        "this job starts when one of them ends\n"
    )


@dataclass(frozen=True, slots=True)
class ArtifactLimits:
    """Per job: how many files it keeps, and how many bytes in total."""

    max_count: int
    max_bytes: int


@dataclass(frozen=True, slots=True)
class ArtifactChoice:
    kept: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    problem: str | None = None
    """Why some were dropped, naming the limit; None when all are kept."""


def choose_artifacts(sizes: Sequence[tuple[str, int]], limits: ArtifactLimits) -> ArtifactChoice:
    """Keep artifacts in order while they fit both limits; say which were dropped and why."""
    kept: list[str] = []
    dropped: list[str] = []
    total = 0
    over_count = over_bytes = False
    for name, size in sizes:
        if _over(len(kept), limits.max_count):
            over_count = True
        elif limits.max_bytes > 0 and total + size > limits.max_bytes:
            over_bytes = True
        else:
            kept.append(name)
            total += size
            continue
        dropped.append(name)
    if not dropped:
        return ArtifactChoice(kept)
    reasons = []
    if over_count:
        reasons.append(f"{limits.max_count} files per job (A6HUB_MAX_ARTIFACTS_PER_JOB)")
    if over_bytes:
        reasons.append(f"{_mib(limits.max_bytes)} in total per job (A6HUB_MAX_ARTIFACT_BYTES_PER_JOB)")
    problem = (
        f"{len(dropped)} artifact(s) not kept ({_names(dropped)}): over the limit of "
        f"{' and '.join(reasons)}; write fewer or smaller files (e.g. $dumpvars on fewer signals)"
    )
    return ArtifactChoice(kept, dropped, problem)


def _mib(size: int) -> str:
    return f"{size / MIB:g} MiB" if size >= MIB else f"{size} bytes"


def _names(names: list[str], shown: int = 5) -> str:
    head = ", ".join(names[:shown])
    return head if len(names) <= shown else f"{head} and {len(names) - shown} more"
