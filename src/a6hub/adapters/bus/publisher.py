"""Publishing job events: durably into the database, then hot into Redis (stream + pub/sub).

The database write decides ``seq``; both writes are retried while their server is briefly
unreachable (a restart, a failover). If Redis stays down, nothing is lost: gateways fill
gaps from the database.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

import redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import InterfaceError, OperationalError

from a6hub.adapters.bus import keys
from a6hub.adapters.db.engine import Database
from a6hub.adapters.db.event_store import JobChange, append_events, lock_job
from a6hub.domain.events import EventDraft, JobEvent

log = logging.getLogger(__name__)

STREAM_TTL_S = 24 * 3600
T = TypeVar("T")


class EventPublisher:
    def __init__(
        self,
        db: Database,
        redis_client: redis.Redis,
        redis_keys: keys.RedisKeys,
        *,
        stream_maxlen: int = 10_000,
        retry_for_s: float = 60.0,
    ) -> None:
        self._db = db
        self._keys = redis_keys
        self._redis = redis_client
        self._stream_maxlen = stream_maxlen
        self._retry_for_s = retry_for_s

    def apply(self, job_id: int, change: JobChange) -> list[JobEvent]:
        """Change the job and store the events announcing it in one transaction, then push them to Redis."""

        def store() -> list[JobEvent]:
            with self._db.session() as session:
                job = lock_job(session, job_id)
                return append_events(session, job, change(job))

        events = _retrying(
            store, (OperationalError, InterfaceError), self._retry_for_s, f"job {job_id}: database"
        )
        if events:
            self.push(job_id, events)
        return events

    def publish(self, job_id: int, *drafts: EventDraft) -> list[JobEvent]:
        return self.apply(job_id, lambda _job: drafts)

    def push(self, job_id: int, events: Sequence[JobEvent]) -> None:
        try:
            _retrying(
                lambda: self._push_once(job_id, events),
                (RedisConnectionError, RedisTimeoutError),
                self._retry_for_s,
                f"job {job_id}: Redis",
            )
        except (RedisConnectionError, RedisTimeoutError) as exc:
            seqs = [event.seq for event in events]
            log.error("job %s: Redis unreachable, events %s kept in the database only: %s", job_id, seqs, exc)

    def _push_once(self, job_id: int, events: Sequence[JobEvent]) -> None:
        stream, channel = self._keys.events_stream(job_id), self._keys.updates_channel(job_id)
        pipe = self._redis.pipeline(transaction=False)
        for event in events:
            payload = event.encode()
            pipe.xadd(
                stream,
                {keys.STREAM_FIELD: payload},
                id=keys.stream_id(event.seq),
                maxlen=self._stream_maxlen,
                approximate=True,
            )
            pipe.publish(channel, payload)
        pipe.expire(stream, STREAM_TTL_S)
        for result in pipe.execute(raise_on_error=False):
            if isinstance(result, RedisConnectionError | RedisTimeoutError):
                raise result
            # An out-of-order id (another writer got ahead) is refused by XADD: the database
            # copy covers it, and the pub/sub message still went out.


def _retrying(
    operation: Callable[[], T], transient: tuple[type[Exception], ...], retry_for_s: float, what: str
) -> T:
    """Run ``operation``, retrying with exponential backoff while it fails transiently."""
    deadline = time.monotonic() + retry_for_s
    delay = 0.05
    while True:
        try:
            return operation()
        except transient as exc:
            if time.monotonic() + delay > deadline:
                raise
            log.warning("%s unreachable (%s); retrying in %.2f s", what, type(exc).__name__, delay)
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
