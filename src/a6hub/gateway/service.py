"""The gateway of one API process: fan-out, history, registry and metrics, created once."""

from __future__ import annotations

from typing import Any

import redis.asyncio as aioredis
from starlette.concurrency import run_in_threadpool

from a6hub.adapters.db.engine import Database
from a6hub.adapters.db.jobs import job_access, load_job
from a6hub.config import Settings
from a6hub.domain.access import can_read
from a6hub.domain.errors import Forbidden
from a6hub.domain.jobs import JobStatus
from a6hub.gateway.fanout import Fanout
from a6hub.gateway.metrics import GatewayMetrics
from a6hub.gateway.registry import ConnectionRegistry
from a6hub.gateway.replay import EventSource


class Gateway:
    def __init__(self, settings: Settings, db: Database, process_id: str) -> None:
        self.settings = settings
        self.keys = settings.redis_keys
        self.db = db
        self.redis = aioredis.Redis.from_url(
            settings.resolved_redis_url(), socket_connect_timeout=5, health_check_interval=30
        )
        self.metrics = GatewayMetrics()
        self.source = EventSource(self.redis, self.keys, db, on_db_read=self.metrics.db_reads.inc)
        self.fanout = Fanout(self.redis, self.keys, self.source, self.metrics)
        self.registry = ConnectionRegistry(self.redis, self.keys, process_id)

    async def start(self) -> None:
        self.registry.start()

    async def close(self) -> None:
        await self.registry.stop()
        await self.fanout.close()
        await self.redis.aclose()

    async def snapshot(self, job_id: int, user_id: int) -> dict[str, Any]:
        """The job's state for ``connected``, if the user may see it (same rule as REST)."""

        def load() -> dict[str, Any]:
            with self.db.session() as session:
                job = load_job(session, job_id)
                if not can_read(job_access(session, job), user_id):
                    raise Forbidden(f"you may not watch job {job_id}")
                progress = job.progress_data
                return {
                    "job_id": job.id,
                    "status": job.status,
                    "current_step": job.current_step,
                    "progress": progress.get("progress_percent", 0),
                    "completed_steps": progress.get("completed_steps", []),
                    "last_seq": job.last_seq,
                    "done": JobStatus(job.status).is_terminal,
                }

        return await run_in_threadpool(load)
