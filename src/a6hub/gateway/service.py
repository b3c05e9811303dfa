"""The gateway of one API process: fan-out, history, registry and metrics, created once."""

from __future__ import annotations

import asyncio
import functools
import gc
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis
from starlette.concurrency import run_in_threadpool

from a6hub.adapters.db.engine import Database
from a6hub.adapters.db.jobs import watch_state
from a6hub.adapters.security import TokenService
from a6hub.config import Settings
from a6hub.domain.access import ProjectAccess, Visibility, can_read
from a6hub.domain.errors import Forbidden, NotFound
from a6hub.domain.jobs import JobStatus
from a6hub.gateway.access import AccessWatch
from a6hub.gateway.fanout import Fanout
from a6hub.gateway.metrics import GatewayMetrics
from a6hub.gateway.registry import ConnectionRegistry
from a6hub.gateway.replay import EventSource
from a6hub.gateway.wsproto import serve_natively

REDIS_CONNECTIONS = 32
SWITCH_INTERVAL_S = 0.0005
FREEZE_CHECK_S = 1.0
FREEZE_AFTER_SOCKETS = 500


class Gateway:
    def __init__(self, settings: Settings, db: Database, process_id: str) -> None:
        self.settings = settings
        self.keys = settings.redis_keys
        self.db = db
        # A bounded pool: a reconnect storm's thousands of replays wait for one of these
        # connections instead of each opening its own (and timing out on a flooded server).
        pool = aioredis.BlockingConnectionPool.from_url(
            settings.resolved_redis_url(),
            max_connections=REDIS_CONNECTIONS,
            timeout=20,
            socket_connect_timeout=5,
            health_check_interval=30,
        )
        self.redis = aioredis.Redis(connection_pool=pool)
        self.metrics = GatewayMetrics()
        self.source = EventSource(self.redis, self.keys, db, on_db_read=self.metrics.db_reads.inc)
        self.fanout = Fanout(settings.resolved_redis_url(), self.keys, self.source, self.metrics)
        self.registry = ConnectionRegistry(self.redis, self.keys, process_id)
        self.access = AccessWatch(settings.resolved_redis_url(), self.keys, db)
        self.tokens = TokenService.from_settings(settings)
        self._stop_serving_natively: Callable[[], None] | None = None
        self._loads: dict[int, _Load] = {}
        self._gc_task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        from a6hub.api.app import API_PREFIX  # the route's modules import this one
        from a6hub.gateway.endpoint import native_route

        self.registry.start()
        await self.access.start()
        # What exists now (modules, the app, the engine) lives as long as the process: keep it out
        # of the garbage collector's full passes, whose pause grows with every object they walk.
        gc.collect()
        gc.freeze()
        # Database reads run in worker threads; when the event loop makes a system call (a socket
        # write, a log line) a worker takes the interpreter lock and, by default, keeps it up to
        # 5 ms. A shorter interval gives the loop its turn back sooner.
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        self._gc_task = asyncio.get_running_loop().create_task(self._freeze_new_sockets())
        pattern, app = native_route(self, API_PREFIX)
        self._stop_serving_natively = serve_natively(pattern, app)

    async def _freeze_new_sockets(self) -> None:
        """Keep open sockets out of the garbage collector's full passes.

        Each open socket holds ~90 container objects for as long as it lives; a full collection
        walks all of them (~0.5 s at 10,000 sockets, stalling every socket), and a wave of new
        sockets triggers several such passes. So once enough new sockets have opened, the young
        garbage is collected and everything alive is frozen (moved out of the collector's
        generations). A closed socket is still freed at once by reference counting: it leaves
        no reference cycles (see ``wsproto.GatewayWebSocketProtocol._release``).
        """
        frozen_at = self.registry.opened_total
        while True:
            await asyncio.sleep(FREEZE_CHECK_S)
            opened = self.registry.opened_total
            if opened - frozen_at >= FREEZE_AFTER_SOCKETS:
                frozen_at = opened
                gc.collect(1)
                gc.freeze()

    async def close(self) -> None:
        if self._gc_task is not None:
            self._gc_task.cancel()
        if self._stop_serving_natively is not None:
            self._stop_serving_natively()
        await self.registry.stop()
        await self.access.close()
        await self.fanout.close()
        await self.redis.aclose()

    async def snapshot(
        self, job_id: int, user_id: int, *, watching_since: float | None = None
    ) -> tuple[dict[str, Any], int]:
        """The job's state for ``connected`` and its project's id, if the user may see it (same
        rule as REST).

        Sockets of one job arriving together (a reconnect storm, a popular job) share one
        database read — but only a read that began after the caller started watching
        (``watching_since``, ``time.monotonic()``), so its ``last_seq`` is never older than the
        caller's subscription and nothing published in between can be missed.
        """
        since = time.monotonic() if watching_since is None else watching_since
        load = self._loads.get(job_id)
        if load is None or load.started < since:
            reading = asyncio.ensure_future(run_in_threadpool(self._load_state, job_id))
            load = _Load(time.monotonic(), reading)
            self._loads[job_id] = load
            load.future.add_done_callback(functools.partial(self._forget_load, job_id, load))
        state, access = await asyncio.shield(load.future)
        if not can_read(access, user_id):
            raise Forbidden(f"you may not watch job {job_id}")
        return dict(state), access.project_id

    def _forget_load(self, job_id: int, load: _Load, future: asyncio.Future[Any]) -> None:
        if self._loads.get(job_id) is load:
            del self._loads[job_id]
        if not future.cancelled():
            future.exception()  # retrieved, even if every caller has gone

    def _load_state(self, job_id: int) -> tuple[dict[str, Any], ProjectAccess]:
        """One indexed query, no ORM session: it runs in a worker thread, and every bit of
        Python run there competes with the event loop for the interpreter lock."""
        with self.db.engine.connect() as connection:
            row = watch_state(connection, job_id)
        if row is None:
            raise NotFound(f"job {job_id} not found")
        job_id, status, current_step, progress, last_seq, project_id, owner_id, visibility = row
        progress = progress or {}
        state = {
            "job_id": job_id,
            "status": status,
            "current_step": current_step,
            "progress": progress.get("progress_percent", 0),
            "completed_steps": progress.get("completed_steps", []),
            "last_seq": last_seq,
            "done": JobStatus(status).is_terminal,
        }
        return state, ProjectAccess(project_id, owner_id, Visibility(visibility))


@dataclass(frozen=True, slots=True)
class _Load:
    started: float
    future: asyncio.Future[tuple[dict[str, Any], ProjectAccess]]
