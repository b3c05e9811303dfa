"""While a job runs: a heartbeat for the reaper, and the job's cancel flag watched every half second."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime

from sqlalchemy import select, update

from a6hub.adapters.db.engine import Database
from a6hub.adapters.db.models import Job

log = logging.getLogger(__name__)
POLL_S = 0.5


class JobWatch:
    def __init__(self, db: Database, job_id: int, heartbeat_s: float) -> None:
        self._db = db
        self._job_id = job_id
        self._heartbeat_s = heartbeat_s
        self.cancelled = threading.Event()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"job-{job_id}-watch", daemon=True)

    def __enter__(self) -> JobWatch:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stopped.set()
        self._thread.join()

    def _run(self) -> None:
        last_beat = 0.0
        while not self._stopped.wait(POLL_S):
            try:
                if time.monotonic() - last_beat >= self._heartbeat_s:
                    self._beat()
                    last_beat = time.monotonic()
                if self._cancel_requested():
                    self.cancelled.set()
            except Exception as exc:  # the database may be briefly away; the job goes on
                log.warning("job %s: heartbeat failed: %s", self._job_id, exc)

    def _beat(self) -> None:
        with self._db.session() as session:
            session.execute(update(Job).where(Job.id == self._job_id).values(heartbeat_at=datetime.now(UTC)))

    def _cancel_requested(self) -> bool:
        with self._db.session() as session:
            return bool(session.scalar(select(Job.cancel_requested).where(Job.id == self._job_id)))
