"""``a6hub watch JOB``: follow a job live over the WebSocket, resuming by seq; exit with its outcome.

Exit codes: 0 completed, 1 failed, 2 usage or connection error, 3 cancelled, 130 Ctrl-C (the
job goes on: Ctrl-C stops watching, never the job).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Annotated

import typer

from a6hub.cli.common import (
    EXIT_CANCELLED,
    EXIT_ERROR,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    is_tty,
    signed_in_client,
)
from a6hub.cli.summary_view import render_summary
from a6hub.cli.views import LiveView, PlainView, View
from a6hub.client.errors import A6hubError
from a6hub.client.http import Client
from a6hub.client.models import Job

EXIT_FOR_STATUS = {"completed": EXIT_OK, "failed": EXIT_FAILED, "cancelled": EXIT_CANCELLED}


async def _follow(client: Client, job: Job, view: View) -> tuple[str | None, str]:
    """Show every event from the first; returns the ``complete`` event's status and message."""
    stream = client.events(job.id, since=0)
    with view:
        async with contextlib.aclosing(aiter(stream)) as events:
            async for event in events:
                view.show(event)
                if event.type == "complete":
                    return str(event.data.get("status")), str(event.data.get("message", ""))
    return None, ""


def watch_job(client: Client, job: Job) -> int:
    """Watch ``job`` to its end with the view that suits stdout; returns the exit code."""
    view: View = LiveView(job) if is_tty() else PlainView(job)
    try:
        status, message = asyncio.run(_follow(client, job, view))
    except KeyboardInterrupt:
        view.interrupted()
        return EXIT_INTERRUPTED
    try:
        final = client.job(job.id)
    except A6hubError:
        final = job.model_copy(update={"status": status or job.status})
    _report(client, final, view)
    view.summary(final, message or final.error_message or "")
    return EXIT_FOR_STATUS.get(final.status, EXIT_ERROR)


def _report(client: Client, job: Job, view: View) -> None:
    """The job's summary tables (utilization, Fmax, counts), when it ended with one."""
    if job.status in ("completed", "failed"):
        # Without a summary (the job failed before its tools ran) the outcome line says why.
        with contextlib.suppress(A6hubError):
            view.report(render_summary(client.summary(job.id)))


def watch(job: Annotated[int, typer.Argument(metavar="JOB", help="the job's id")]) -> None:
    """Follow a job live: progress, current step, and its log as it is written.

    Exit code: 0 completed, 1 failed, 2 usage or connection error, 3 cancelled, 130 Ctrl-C
    (which stops watching, not the job). Piped, it prints the log exactly, then a summary on stderr.
    """
    with signed_in_client() as client:
        code = watch_job(client, client.job(job))
    raise typer.Exit(code)
