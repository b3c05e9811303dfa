"""Fair share on the worker: a job held back by its user's running limit, and a job's artifacts
kept within its limits (count and total size, checked before any file is read)."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.orm import Session

from a6hub.adapters.db.models import JobArtifact
from a6hub.config import Settings
from a6hub.domain.fair_share import ArtifactLimits, JobLimits, choose_artifacts


class JobDeferred(Exception):
    """The job may not start yet (its user has enough jobs running); try again in ``retry_in_s``."""

    def __init__(self, job_id: int, retry_in_s: int) -> None:
        super().__init__(f"job {job_id} waits for one of its user's running jobs to end")
        self.retry_in_s = retry_in_s


def job_limits(settings: Settings) -> JobLimits:
    return JobLimits(
        max_running=settings.max_running_jobs_per_user, max_queued=settings.max_queued_jobs_per_user
    )


def artifact_limits(settings: Settings) -> ArtifactLimits:
    return ArtifactLimits(
        max_count=settings.max_artifacts_per_job, max_bytes=settings.max_artifact_bytes_per_job
    )


def store_artifacts(
    session: Session, job_id: int, paths: list[Path], root: Path, limits: ArtifactLimits
) -> str | None:
    """Store the artifacts that fit the limits; returns why the others were dropped, if any were.

    Only regular files inside ``root`` (the job's work directory) are read: a symbolic link a
    job left behind does not make the worker read a file of the hub."""
    root = root.resolve()
    by_name = {path.name: path for path in paths if _inside(path, root)}
    choice = choose_artifacts([(name, path.stat().st_size) for name, path in by_name.items()], limits)
    for name in choice.kept:
        session.add(JobArtifact.holding(job_id, name, _read_no_follow(by_name[name])))
    return choice.problem


def _inside(path: Path, root: Path) -> bool:
    return not path.is_symlink() and path.is_file() and path.resolve().is_relative_to(root)


def _read_no_follow(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as handle:
        return handle.read()
