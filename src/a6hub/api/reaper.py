"""Fails jobs whose worker stopped sending heartbeats (killed, or its machine died)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from starlette.concurrency import run_in_threadpool

from a6hub.adapters.db.jobs import stale_running_jobs
from a6hub.api.context import AppContext

log = logging.getLogger(__name__)


def reap_once(context: AppContext) -> list[int]:
    cutoff = datetime.now(UTC) - timedelta(seconds=context.settings.worker_lost_after_s)
    with context.db.session() as session:
        stale = stale_running_jobs(session, cutoff)
    reaped = []
    for job_id in stale:
        message = (
            f"the worker running this job stopped responding (no heartbeat for "
            f"{context.settings.worker_lost_after_s:.0f} s); start the job again"
        )
        if context.lifecycle.fail_if_stale(job_id, cutoff, message):
            reaped.append(job_id)
            log.warning("job %s failed: its worker was lost", job_id)
    return reaped


async def reap_forever(context: AppContext, interval_s: float = 5.0) -> None:
    while True:
        try:
            await run_in_threadpool(reap_once, context)
        except Exception:
            log.exception("reaper pass failed; retrying")
        await asyncio.sleep(interval_s)
