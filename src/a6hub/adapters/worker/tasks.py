"""The Celery task, and the resources each worker process creates once and reuses for every job."""

from __future__ import annotations

import os
from functools import lru_cache

import redis
from celery import Celery, Task

from a6hub.adapters.bus.lifecycle import JobLifecycle
from a6hub.adapters.bus.publisher import EventPublisher
from a6hub.adapters.db.engine import Database
from a6hub.adapters.worker.celery_app import RUN_JOB_TASK, make_celery
from a6hub.adapters.worker.job_runner import JobRunner
from a6hub.adapters.worker.limits import JobDeferred
from a6hub.config import get_settings


@lru_cache(maxsize=4)
def _runner_for_process(pid: int) -> JobRunner:
    """Created lazily in each pool process (after fork), never shared across processes."""
    settings = get_settings()
    db = Database(settings.database_url)
    redis_client = redis.Redis.from_url(
        settings.resolved_redis_url(), socket_timeout=5, socket_connect_timeout=5
    )
    publisher = EventPublisher(db, redis_client, settings.redis_keys, stream_maxlen=settings.stream_maxlen)
    return JobRunner(settings, db, JobLifecycle(publisher))


def create_worker_app() -> Celery:
    app = make_celery(get_settings())

    @app.task(name=RUN_JOB_TASK, ignore_result=True, bind=True)
    def run_job(task: Task[[int], None], job_id: int) -> None:
        try:
            _runner_for_process(os.getpid()).run(job_id)
        except JobDeferred as deferred:
            # Back into the queue (same task id, so a cancel still revokes it): another user's
            # job may take this worker slot meanwhile.
            raise task.retry(countdown=deferred.retry_in_s, max_retries=None) from deferred

    return app
