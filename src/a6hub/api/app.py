"""The ASGI application: REST API, WebSocket gateway and the web app on one port."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from a6hub.api.body_limit import BodySizeLimit
from a6hub.api.context import AppContext
from a6hub.api.errors import install_error_handlers
from a6hub.api.middleware import AllowedHostsOnly, SecurityHeaders, allowed_hosts
from a6hub.api.reaper import reap_forever
from a6hub.api.routes import admin, auth, files, health, jobs, projects
from a6hub.api.schemas import ErrorPublic
from a6hub.bootstrap import ensure_admin_from_settings
from a6hub.config import Settings, get_settings
from a6hub.gateway import endpoint
from a6hub.gateway.service import Gateway

log = logging.getLogger(__name__)
API_PREFIX = "/api/v1"
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorPublic, "description": description}
    for status, description in {
        401: "Not signed in, or the token is invalid or expired",
        403: "Visible but not yours to change",
        404: "Not found (or private and not yours)",
        409: "Conflict with the current state",
        413: "Over a size or count limit",
        422: "Invalid input; the detail names the field",
        429: "Over a rate or fair-share limit; retry after the Retry-After header's seconds",
        503: "The database or Redis is unreachable; retry shortly",
    }.items()
}
FRONTEND_DIST = Path(__file__).resolve().parents[3] / "frontend" / "dist"


def create_app(settings: Settings | None = None, *, migrate: bool = True) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        context = AppContext.create(settings)
        if migrate:
            await run_in_threadpool(context.db.migrate)
        await run_in_threadpool(ensure_admin_from_settings, context.db, settings, context.passwords)
        gateway = Gateway(settings, context.db, context.process_id)
        await gateway.start()
        app.state.context, app.state.gateway = context, gateway
        reaper = asyncio.create_task(reap_forever(context))
        try:
            yield
        finally:
            reaper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reaper
            await gateway.close()
            context.close()

    app = FastAPI(
        title="a6hub",
        version="0.1.0",
        description="Upload Verilog, build and simulate it, and watch every step live.",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    for router in (auth.router, projects.router, files.router, jobs.router, endpoint.router, admin.router):
        app.include_router(router, prefix=API_PREFIX, responses=ERROR_RESPONSES)
    app.include_router(health.router)
    _mount_frontend(app)
    # Added last, so outermost: a refused Host gets nothing else, and every response the headers.
    app.add_middleware(AllowedHostsOnly, hosts=allowed_hosts(settings))
    app.add_middleware(SecurityHeaders)
    return app


def _mount_frontend(app: FastAPI) -> None:
    """Serve the built web app at ``/``; unknown non-API paths get index.html (client-side routes)."""
    index = FRONTEND_DIST / "index.html"
    if not index.exists():
        return
    app.mount("/assets", StaticFiles(directory=FRONTEND_DIST / "assets"), name="assets")

    @app.get("/{path:path}", include_in_schema=False)
    async def spa(path: str) -> FileResponse:
        candidate = (FRONTEND_DIST / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(FRONTEND_DIST):
            return FileResponse(candidate)
        return FileResponse(index)
