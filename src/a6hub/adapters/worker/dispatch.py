"""Handing jobs to the Celery workers (and taking back the ones still queued)."""

from __future__ import annotations

from functools import cached_property

from celery import Celery

from a6hub.adapters.worker.celery_app import RUN_JOB_TASK, make_celery
from a6hub.config import Settings
from a6hub.domain.jobs import JobType


class JobDispatcher:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    @cached_property
    def celery(self) -> Celery:
        return make_celery(self._settings)

    def enqueue(self, job_id: int, job_type: JobType, task_id: str) -> None:
        names = self._settings.redis_keys
        queue = names.simulation_queue if job_type is JobType.SIMULATION else names.build_queue
        self.celery.send_task(RUN_JOB_TASK, args=[job_id], queue=queue, task_id=task_id)

    def revoke(self, task_id: str) -> None:
        self.celery.control.revoke(task_id)
