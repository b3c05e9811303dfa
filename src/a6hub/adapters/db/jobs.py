"""Job rows: creation, lookup with the project's access rule, listing."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, bindparam, func, select
from sqlalchemy.orm import Session, object_session

from a6hub.adapters.db.models import Job, JobArtifact, Project, User
from a6hub.adapters.db.projects import access_of, load_project
from a6hub.domain.access import ProjectAccess, require_read, require_write
from a6hub.domain.errors import NotFound
from a6hub.domain.fair_share import UserJobs
from a6hub.domain.jobs import JobStatus, JobType, flow_for
from a6hub.domain.progress import initial_progress


def create_job(
    session: Session, project: Project, user_id: int, job_type: JobType, config: dict[str, object]
) -> Job:
    job = Job(
        project_id=project.id,
        user_id=user_id,
        job_type=job_type.value,
        status=JobStatus.PENDING.value,
        config=config,
        progress_data=initial_progress(flow_for(job_type, config)),
    )
    session.add(job)
    session.flush()
    return job


def load_job(session: Session, job_id: int) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(f"job {job_id} not found")
    return job


def job_access(session: Session, job: Job) -> ProjectAccess:
    return access_of(load_project(session, job.project_id))


def readable_job(session: Session, job_id: int, user_id: int | None, project_id: int | None = None) -> Job:
    """A job the user may see; a job of a private project that is not theirs is 'not found'."""
    job = load_job(session, job_id)
    if project_id is not None and job.project_id != project_id:
        raise NotFound(f"job {job_id} not found in project {project_id}")
    try:
        require_read(job_access(session, job), user_id)
    except NotFound as exc:
        raise NotFound(f"job {job_id} not found") from exc
    return job


def writable_job(session: Session, job_id: int, user_id: int, project_id: int | None = None) -> Job:
    job = readable_job(session, job_id, user_id, project_id)
    require_write(job_access(session, job), user_id)
    return job


def list_jobs(session: Session, project_id: int, *, limit: int, offset: int) -> tuple[list[Job], int]:
    total = session.scalar(select(func.count()).where(Job.project_id == project_id)) or 0
    query = (
        select(Job).where(Job.project_id == project_id).order_by(Job.id.desc()).limit(limit).offset(offset)
    )
    return list(session.scalars(query)), total


def lock_user_jobs(session: Session, user_id: int) -> None:
    """Hold the user's row until the transaction ends, so that starting or queueing their jobs
    is one at a time across processes (PostgreSQL; SQLite's single writer does it already).
    ``FOR NO KEY UPDATE``: rows that merely reference the user are not held up."""
    session.execute(select(User.id).where(User.id == user_id).with_for_update(key_share=True))


def user_jobs(session: Session, user_id: int) -> UserJobs:
    """How many of the user's jobs are queued and running (call after :func:`lock_user_jobs`)."""
    query = (
        select(Job.status, func.count())
        .where(Job.user_id == user_id, Job.status.in_([JobStatus.PENDING.value, JobStatus.RUNNING.value]))
        .group_by(Job.status)
    )
    counts = {str(status): int(count) for status, count in session.execute(query)}
    return UserJobs(queued=counts.get(JobStatus.PENDING, 0), running=counts.get(JobStatus.RUNNING, 0))


def session_of(job: Job) -> Session:
    """The session a loaded job belongs to (for a change that needs more than the job's row)."""
    session = object_session(job)
    assert session is not None, "the job is not attached to a session"
    return session


def stale_running_jobs(session: Session, heartbeat_before: datetime) -> list[int]:
    query = select(Job.id).where(
        Job.status == JobStatus.RUNNING.value,
        func.coalesce(Job.heartbeat_at, Job.started_at) < heartbeat_before,
    )
    return list(session.scalars(query))


def list_artifacts(session: Session, job_id: int) -> list[tuple[str, int, str]]:
    query = (
        select(JobArtifact.name, JobArtifact.size_bytes, JobArtifact.sha256)
        .where(JobArtifact.job_id == job_id)
        .order_by(JobArtifact.name)
    )
    return [(name, size, sha) for name, size, sha in session.execute(query)]


def get_artifact(session: Session, job_id: int, name: str) -> JobArtifact:
    artifact = session.scalar(
        select(JobArtifact).where(JobArtifact.job_id == job_id, JobArtifact.name == name)
    )
    if artifact is None:
        raise NotFound(f"job {job_id} has no artifact named '{name}'")
    return artifact


WatchState = tuple[int, str, str | None, dict[str, Any] | None, int, int, int, str]

# Built once: building this ORM select and its cache key costs ~2 ms a time here, more than the
# query itself (~0.1 ms), and a reconnect storm runs it thousands of times.
_WATCH_STATE = (
    select(
        Job.id,
        Job.status,
        Job.current_step,
        Job.progress_data,
        Job.last_seq,
        Project.id,
        Project.owner_id,
        Project.visibility,
    )
    .join(Project, Project.id == Job.project_id)
    .where(Job.id == bindparam("job_id"))
)


def watch_state(connection: Connection, job_id: int) -> WatchState | None:
    """What a watcher's ``connected`` message and access check need, in one indexed query:
    job id, status, current step, progress data, last seq, project id, owner id, visibility."""
    row = connection.execute(_WATCH_STATE, {"job_id": job_id}).one_or_none()
    return None if row is None else cast(WatchState, tuple(row))
