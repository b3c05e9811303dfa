"""The durable, numbered event log of every job, and the job log derived from it.

``seq`` comes from ``jobs.last_seq``, incremented in the same transaction that inserts the
event, so numbers are contiguous and never reused, whichever process writes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from a6hub.adapters.db.models import Job, JobEventRow
from a6hub.domain.errors import NotFound
from a6hub.domain.events import EventDraft, JobEvent

JobChange = Callable[[Job], Sequence[EventDraft]]
"""Changes a locked job row and returns the events that announce the change."""


def lock_job(session: Session, job_id: int) -> Job:
    """Load a job and hold its row until the transaction ends (serializes writers of one job)."""
    session.execute(update(Job).where(Job.id == job_id).values(last_seq=Job.last_seq))
    job = session.scalar(select(Job).where(Job.id == job_id).execution_options(populate_existing=True))
    if job is None:
        raise NotFound(f"job {job_id} not found")
    return job


def append_events(session: Session, job: Job, drafts: Sequence[EventDraft]) -> list[JobEvent]:
    """Number and store events for a locked job; log events also extend the job's byte log."""
    events = []
    for draft in drafts:
        job.last_seq += 1
        event = draft.numbered(job.last_seq)
        row = JobEventRow(job_id=job.id, seq=event.seq, type=event.type, payload=event.encode())
        if event.type == "log":
            size = len(str(event.data["log_line"]).encode())
            row.log_offset, row.log_bytes = job.log_size, size
            job.log_size += size
        session.add(row)
        events.append(event)
    session.flush()
    return events


def read_event_payloads(session: Session, job_id: int, since: int, limit: int) -> list[str]:
    query = (
        select(JobEventRow.payload)
        .where(JobEventRow.job_id == job_id, JobEventRow.seq > since)
        .order_by(JobEventRow.seq)
        .limit(limit)
    )
    return list(session.scalars(query))


def read_log(session: Session, job_id: int, offset: int, max_bytes: int) -> bytes:
    """Log bytes from ``offset`` (at most ``max_bytes``), cut from the stored log events."""
    query = (
        select(JobEventRow.log_offset, JobEventRow.payload)
        .where(
            JobEventRow.job_id == job_id,
            JobEventRow.type == "log",
            JobEventRow.log_offset + JobEventRow.log_bytes > offset,
            JobEventRow.log_offset < offset + max_bytes,
        )
        .order_by(JobEventRow.seq)
    )
    chunks = [
        str(JobEvent.decode(payload).data["log_line"]).encode()[max(0, offset - int(start or 0)) :]
        for start, payload in session.execute(query)
    ]
    data = b"".join(chunks)
    if len(data) <= max_bytes:
        return data
    cut = data.rfind(b"\n", 0, max_bytes) + 1
    return data[: cut or max_bytes]
