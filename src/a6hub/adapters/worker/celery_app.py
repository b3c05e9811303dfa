"""The Celery application: Redis as broker, queues ``build`` and ``simulation``."""

from __future__ import annotations

from celery import Celery

from a6hub.config import Settings

RUN_JOB_TASK = "a6hub.run_job"


def broker_url(settings: Settings) -> str:
    url = settings.resolved_redis_url()
    return url.replace("unix://", "redis+socket://", 1) if url.startswith("unix://") else url


def make_celery(settings: Settings) -> Celery:
    app = Celery("a6hub", broker=broker_url(settings))
    app.conf.update(
        task_ignore_result=True,
        # Acknowledged on receipt: a job whose worker dies is failed by the reaper, never re-run.
        task_acks_late=False,
        worker_prefetch_multiplier=1,
        # A worker takes a job only when it has a free place for it: a busy worker holding the
        # next job back would keep it from an idle one (and from fair share's reordering).
        worker_disable_prefetch=True,
        task_default_queue=settings.redis_keys.build_queue,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        task_serializer="json",
        accept_content=["json"],
    )
    return app
