"""Job state changes, each stored and published with the events that announce it.

The only place that moves a job between statuses, used by the worker, the API (cancel) and
the reaper of lost workers. Terminal changes are conditional, so whoever comes second
publishes nothing: a job always ends with ``status``, then ``error`` on failure, then
exactly one ``complete``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from a6hub.adapters.bus.publisher import EventPublisher
from a6hub.adapters.db import jobs as jobs_repo
from a6hub.adapters.db.models import Job
from a6hub.domain import progress as prog
from a6hub.domain.events import (
    EventDraft,
    JobEvent,
    complete_event,
    error_event,
    log_event,
    progress_event,
    status_event,
    step_event,
    utc_timestamp,
)
from a6hub.domain.fair_share import JobLimits, StartDecision, decide_start, waiting_message
from a6hub.domain.jobs import Flow, JobStatus, JobType, can_transition, flow_for

NO_LIMITS = JobLimits(max_running=0, max_queued=0)
COMPLETE_MESSAGES = {
    JobStatus.COMPLETED: "{kind} completed successfully",
    JobStatus.FAILED: "{kind} failed",
    JobStatus.CANCELLED: "{kind} cancelled",
}


def flow_of(job: Job) -> Flow:
    return flow_for(JobType(job.job_type), job.config)


def _progress_draft(job: Job) -> EventDraft:
    data = job.progress_data
    return progress_event(data["progress_percent"], data.get("current_step") or "", data["completed_steps"])


class JobLifecycle:
    def __init__(self, publisher: EventPublisher) -> None:
        self.publisher = publisher

    def start(self, job_id: int, worker_name: str, limits: JobLimits = NO_LIMITS) -> StartDecision:
        """pending → running, unless the job was cancelled or taken meanwhile (GONE), or its user
        already has ``limits.max_running`` jobs running (WAIT: it stays queued, and its log says
        why the first time). The user's row is held while counting, so that several workers
        starting one user's jobs at once cannot pass the limit together."""
        decided: list[StartDecision] = []

        def change(job: Job) -> Sequence[EventDraft]:
            running = 0
            if job.status == JobStatus.PENDING and limits.max_running > 0:
                session = jobs_repo.session_of(job)
                jobs_repo.lock_user_jobs(session, job.user_id)
                running = jobs_repo.user_jobs(session, job.user_id).running
            decision = decide_start(JobStatus(job.status), running, limits)
            decided.append(decision)  # the last call counts: a transaction may be retried
            if decision is StartDecision.WAIT:
                return [log_event(waiting_message(running, limits))] if job.log_size == 0 else []
            if decision is StartDecision.GONE:
                return []
            now = datetime.now(UTC)
            job.status, job.started_at, job.heartbeat_at, job.worker_name = "running", now, now, worker_name
            return [status_event("running")]

        self.publisher.apply(job_id, change)
        return decided[-1]

    def enter_step(self, job_id: int, name: str) -> list[JobEvent]:
        def change(job: Job) -> Sequence[EventDraft]:
            flow = flow_of(job)
            job.progress_data = prog.start_step(job.progress_data, flow, name, utc_timestamp())
            job.current_step = name
            return [step_event(name, flow.step(name).label), _progress_draft(job)]

        return self.publisher.apply(job_id, change)

    def advance(self, job_id: int, fraction: float) -> list[JobEvent]:
        """Progress inside the running step; publishes only when the percent moves."""

        def change(job: Job) -> Sequence[EventDraft]:
            before = job.progress_data["progress_percent"]
            job.progress_data = prog.advance_within_step(job.progress_data, flow_of(job), fraction)
            return [_progress_draft(job)] if job.progress_data["progress_percent"] != before else []

        return self.publisher.apply(job_id, change)

    def log(self, job_id: int, text: str) -> list[JobEvent]:
        return self.publisher.publish(job_id, log_event(text))

    def finish(
        self, job_id: int, status: JobStatus, *, error_message: str | None = None, message: str | None = None
    ) -> list[JobEvent]:
        """Move to a terminal status with its events; no events if the job already ended."""
        return self.publisher.apply(job_id, lambda job: _end(job, status, error_message, message))

    def fail_if_stale(self, job_id: int, heartbeat_before: datetime, message: str) -> list[JobEvent]:
        """Fail a running job whose worker's last heartbeat is older than ``heartbeat_before``."""

        def change(job: Job) -> Sequence[EventDraft]:
            last_sign = job.heartbeat_at or job.started_at
            if job.status != JobStatus.RUNNING or (last_sign is not None and last_sign >= heartbeat_before):
                return []
            return _end(job, JobStatus.FAILED, message, None)

        return self.publisher.apply(job_id, change)

    def request_cancel(self, job_id: int) -> list[JobEvent]:
        """Cancel a queued job at once; a running one is flagged and its worker stops the tools."""

        def change(job: Job) -> Sequence[EventDraft]:
            if job.status == JobStatus.PENDING:
                return _end(job, JobStatus.CANCELLED, None, None)
            if job.status == JobStatus.RUNNING:
                job.cancel_requested = True
            return []

        return self.publisher.apply(job_id, change)


def _end(job: Job, status: JobStatus, error_message: str | None, message: str | None) -> list[EventDraft]:
    if not can_transition(JobStatus(job.status), status):
        return []
    now = utc_timestamp()
    flow = flow_of(job)
    if status is JobStatus.COMPLETED:
        job.progress_data = prog.complete_all(job.progress_data, flow, now)
    else:
        job.progress_data = prog.close_unfinished(job.progress_data, flow, status.value, now)
    job.status, job.completed_at, job.error_message = status.value, datetime.now(UTC), error_message
    drafts: list[EventDraft] = [status_event(status.value)]
    if status is JobStatus.COMPLETED:
        drafts.append(_progress_draft(job))
    if error_message:
        drafts.append(error_event(error_message))
    drafts.append(complete_event(status.value, message or _complete_message(job, status, error_message)))
    return drafts


def _complete_message(job: Job, status: JobStatus, error_message: str | None) -> str:
    kind = "Simulation" if job.job_type == JobType.SIMULATION else "Build"
    text = COMPLETE_MESSAGES[status].format(kind=kind)
    return f"{text}: {error_message}" if error_message else text
