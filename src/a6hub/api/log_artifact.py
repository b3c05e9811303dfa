"""``job.log`` among a job's artifacts, read from the job's log events (the log is stored once).

An ended job's log never changes, so its digest is kept after the first listing.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from sqlalchemy.orm import Session

from a6hub.adapters.db.event_store import read_log
from a6hub.adapters.db.models import Job
from a6hub.domain.errors import NotFound
from a6hub.domain.jobs import LOG_ARTIFACT, JobStatus, lists_log_artifact

ArtifactRow = tuple[str, int, str]
"""name, size in bytes, sha256"""
_DIGESTS_KEPT = 1024
_digests: OrderedDict[tuple[int, str, int], str] = OrderedDict()
_digests_lock = threading.Lock()


def log_content(session: Session, job: Job) -> bytes:
    """The whole log of the job as it is now; NotFound while it has none."""
    if job.log_size <= 0:
        raise NotFound(f"job {job.id} has no log yet")
    return read_log(session, job.id, 0, job.log_size)


def with_log_artifact(session: Session, job: Job, stored: list[ArtifactRow]) -> list[ArtifactRow]:
    """The stored artifacts plus ``job.log`` once the job has ended, sorted by name."""
    rows = [row for row in stored if row[0] != LOG_ARTIFACT]  # copies kept by older versions
    if lists_log_artifact(JobStatus(job.status), job.log_size):
        rows.append((LOG_ARTIFACT, job.log_size, _digest(session, job)))
    return sorted(rows)


def _digest(session: Session, job: Job) -> str:
    key = (job.id, job.created_at.isoformat(), job.log_size)  # SQLite may reuse a deleted job's id
    with _digests_lock:
        if key in _digests:
            _digests.move_to_end(key)
            return _digests[key]
    digest = hashlib.sha256(log_content(session, job)).hexdigest()
    with _digests_lock:
        _digests[key] = digest
        while len(_digests) > _DIGESTS_KEPT:
            _digests.popitem(last=False)
    return digest
