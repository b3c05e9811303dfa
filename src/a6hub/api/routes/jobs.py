"""Jobs: start a build or simulation, follow it (events, log by offset), cancel it, fetch artifacts."""

from __future__ import annotations

import mimetypes
import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Header, Query, Response, status
from pydantic import TypeAdapter
from sqlalchemy.orm import Session

from a6hub.adapters.db import event_store
from a6hub.adapters.db import jobs as repo
from a6hub.adapters.db.files import list_files
from a6hub.adapters.db.models import Job
from a6hub.adapters.db.projects import readable_project, writable_project
from a6hub.adapters.worker.limits import job_limits
from a6hub.api.deps import ContextDep, CurrentUser, SessionDep
from a6hub.api.log_artifact import log_content, with_log_artifact
from a6hub.api.params import JobId, Limit, Offset, ProjectId
from a6hub.api.ranges import ranged_response
from a6hub.api.schemas import ArtifactPublic, EventsPage, JobCreate, JobPage, JobPublic
from a6hub.domain.errors import NotFound, ServiceUnavailable
from a6hub.domain.events import JobEvent
from a6hub.domain.fair_share import check_can_queue
from a6hub.domain.job_checks import check_against_project
from a6hub.domain.job_config import parse_job_config
from a6hub.domain.jobs import LOG_ARTIFACT, JobStatus
from a6hub.domain.summary import SUMMARY_ARTIFACT, BuildSummary, JobSummary, SimulationSummary, no_summary

router = APIRouter(tags=["jobs"])
PROJECT_JOBS = "/projects/{project_id}/jobs"
MAX_LOG_CHUNK = 1024 * 1024
SUMMARY: TypeAdapter[BuildSummary | SimulationSummary] = TypeAdapter(JobSummary)


def _job(session: Session, job_id: int, user_id: int, project_id: int | None) -> Job:
    return repo.readable_job(session, job_id, user_id, project_id)


@router.post(PROJECT_JOBS, status_code=status.HTTP_201_CREATED, operation_id="create_job")
def create_job(project_id: ProjectId, body: JobCreate, user: CurrentUser, context: ContextDep) -> JobPublic:
    """Validate the config against the project's files, store the job, and queue it at once."""
    task_id = str(uuid.uuid4())
    with context.db.session() as session:
        project = writable_project(session, project_id, user.id)
        config = parse_job_config(body.job_type, body.config)
        sources = {found.path: found for found in list_files(session, project.id)}
        check_against_project(config, set(sources), lambda path: sources[path].content)
        repo.lock_user_jobs(session, user.id)  # two requests at once cannot both take the last place
        check_can_queue(job_limits(context.settings), repo.user_jobs(session, user.id))
        job = repo.create_job(session, project, user.id, body.job_type, config.model_dump(exclude_none=True))
        job.celery_task_id = task_id
    try:
        context.dispatcher.enqueue(job.id, body.job_type, task_id)
    except Exception as exc:
        context.lifecycle.finish(
            job.id, JobStatus.FAILED, error_message="could not queue the job: the broker is unreachable"
        )
        raise ServiceUnavailable("the job queue (Redis) is unreachable; try again in a few seconds") from exc
    with context.db.session() as session:
        return JobPublic.model_validate(repo.load_job(session, job.id))


@router.get(PROJECT_JOBS, operation_id="list_jobs")
def list_jobs(
    project_id: ProjectId,
    user: CurrentUser,
    session: SessionDep,
    limit: Limit = 20,
    offset: Offset = 0,
) -> JobPage:
    readable_project(session, project_id, user.id)
    found, total = repo.list_jobs(session, project_id, limit=limit, offset=offset)
    return JobPage(
        items=[JobPublic.model_validate(job) for job in found], total=total, limit=limit, offset=offset
    )


@router.get(PROJECT_JOBS + "/{job_id}", operation_id="get_project_job")
def get_project_job(
    project_id: ProjectId, job_id: JobId, user: CurrentUser, session: SessionDep
) -> JobPublic:
    return JobPublic.model_validate(_job(session, job_id, user.id, project_id))


@router.get("/jobs/{job_id}", operation_id="get_job")
def get_job(job_id: JobId, user: CurrentUser, session: SessionDep) -> JobPublic:
    return JobPublic.model_validate(_job(session, job_id, user.id, None))


def _cancel(project_id: int, job_id: int, user_id: int, context: ContextDep) -> JobPublic:
    with context.db.session() as session:
        job = repo.writable_job(session, job_id, user_id, project_id)
        task_id = job.celery_task_id
    context.lifecycle.request_cancel(job_id)
    if task_id:
        context.dispatcher.revoke(task_id)
    with context.db.session() as session:
        return JobPublic.model_validate(repo.load_job(session, job_id))


@router.post(PROJECT_JOBS + "/{job_id}/cancel", operation_id="cancel_job")
def cancel_job(project_id: ProjectId, job_id: JobId, user: CurrentUser, context: ContextDep) -> JobPublic:
    """Stop the job: a queued one is cancelled at once, a running one's tools are killed within a second."""
    return _cancel(project_id, job_id, user.id, context)


@router.delete(PROJECT_JOBS + "/{job_id}", operation_id="delete_job")
def delete_job(project_id: ProjectId, job_id: JobId, user: CurrentUser, context: ContextDep) -> JobPublic:
    """Same as cancel (the guide's original verb); the job and its history are kept."""
    return _cancel(project_id, job_id, user.id, context)


@router.get(PROJECT_JOBS + "/{job_id}/events", operation_id="list_job_events")
def list_job_events(
    project_id: ProjectId,
    job_id: JobId,
    user: CurrentUser,
    session: SessionDep,
    since: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> EventsPage:
    """Events after ``since``, exactly as the WebSocket sends them (the polling fallback)."""
    job = _job(session, job_id, user.id, project_id)
    payloads = event_store.read_event_payloads(session, job.id, since, limit)
    events = [JobEvent.decode(payload).to_message() for payload in payloads]
    last = events[-1]["seq"] if events else since
    done = JobStatus(job.status).is_terminal and last >= job.last_seq
    return EventsPage(events=events, last_seq=job.last_seq, done=done)


@router.get(PROJECT_JOBS + "/{job_id}/logs", operation_id="get_job_log", response_class=Response)
def get_job_log(
    project_id: ProjectId,
    job_id: JobId,
    user: CurrentUser,
    session: SessionDep,
    offset: Offset = 0,
) -> Response:
    """The log from byte ``offset``; ``X-Log-Offset`` is where to continue, ``X-More-Data`` whether to."""
    job = _job(session, job_id, user.id, project_id)
    data = event_store.read_log(session, job.id, offset, MAX_LOG_CHUNK) if offset < job.log_size else b""
    next_offset = offset + len(data)
    more = not JobStatus(job.status).is_terminal or next_offset < job.log_size
    headers = {
        "X-Log-Offset": str(next_offset),
        "X-More-Data": str(more).lower(),
        "X-Log-Size": str(job.log_size),
    }
    return Response(data, media_type="text/plain; charset=utf-8", headers=headers)


@router.get(PROJECT_JOBS + "/{job_id}/artifacts", operation_id="list_job_artifacts")
def list_job_artifacts(
    project_id: ProjectId, job_id: JobId, user: CurrentUser, session: SessionDep
) -> list[ArtifactPublic]:
    job = _job(session, job_id, user.id, project_id)
    base = f"/api/v1/projects/{project_id}/jobs/{job.id}/artifacts"
    return [
        ArtifactPublic(name=name, size_bytes=size, sha256=sha, url=f"{base}/{quote(name, safe='')}")
        for name, size, sha in with_log_artifact(session, job, repo.list_artifacts(session, job.id))
    ]


@router.get(
    PROJECT_JOBS + "/{job_id}/artifacts/{name}", operation_id="get_job_artifact", response_class=Response
)
def get_job_artifact(
    project_id: ProjectId,
    job_id: JobId,
    name: str,
    user: CurrentUser,
    session: SessionDep,
    range_header: Annotated[str | None, Header(alias="Range")] = None,
) -> Response:
    """One artifact (``job.log``: the job's log); supports HTTP Range."""
    job = _job(session, job_id, user.id, project_id)
    if name == LOG_ARTIFACT:
        return ranged_response(log_content(session, job), range_header, "text/plain; charset=utf-8", name)
    artifact = repo.get_artifact(session, job.id, name)
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return ranged_response(artifact.content, range_header, media_type, name)


def _summary(session: Session, job: Job) -> BuildSummary | SimulationSummary:
    try:
        artifact = repo.get_artifact(session, job.id, SUMMARY_ARTIFACT)
    except NotFound:
        raise no_summary(job.id, JobStatus(job.status)) from None
    return SUMMARY.validate_json(artifact.content)


@router.get(
    PROJECT_JOBS + "/{job_id}/summary", operation_id="get_project_job_summary", response_model=JobSummary
)
def get_project_job_summary(
    project_id: ProjectId, job_id: JobId, user: CurrentUser, session: SessionDep
) -> BuildSummary | SimulationSummary:
    """What to look at first: utilization, Fmax per clock, cell and message counts (a build), or
    output, error counts and simulated time (a simulation). 404 until the job has ended."""
    return _summary(session, _job(session, job_id, user.id, project_id))


@router.get("/jobs/{job_id}/summary", operation_id="get_job_summary", response_model=JobSummary)
def get_job_summary(
    job_id: JobId, user: CurrentUser, session: SessionDep
) -> BuildSummary | SimulationSummary:
    """The job's summary, as ``/projects/{project_id}/jobs/{job_id}/summary``."""
    return _summary(session, _job(session, job_id, user.id, None))
