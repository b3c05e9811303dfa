"""The guide's WebSocket route, its single-use tickets, and the admin view of connections."""

from __future__ import annotations

import asyncio
import re
import time
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, WebSocket
from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Receive, Scope, Send

from a6hub.adapters.db.jobs import readable_job
from a6hub.adapters.db.users import usernames
from a6hub.adapters.security import TokenService
from a6hub.api.deps import ContextDep, CurrentUser, TokenClaimsDep
from a6hub.api.errors import ws_close_code_for
from a6hub.api.middleware import AllowedHostsOnly, allowed_hosts
from a6hub.api.params import MAX_ID
from a6hub.domain.errors import DomainError, Forbidden, InvalidInput
from a6hub.gateway.auth import (
    TICKET_TTL_S,
    Credentials,
    authenticate,
    issue_ticket,
    offered_subprotocol,
    origin_allowed,
)
from a6hub.gateway.registry import all_connections
from a6hub.gateway.service import Gateway
from a6hub.gateway.session import (
    CLOSE_POLICY,
    CLOSE_TOKEN_EXPIRED,
    CLOSE_TRY_AGAIN,
    ClientSession,
)

router = APIRouter(tags=["realtime"])
GATEWAY_SCOPE_KEY = "a6hub.gateway"


class TicketCreate(BaseModel):
    job_id: int = Field(ge=1, le=MAX_ID)


class TicketPublic(BaseModel):
    ticket: str
    expires_in: int


def _gateway(request_or_socket: Request | WebSocket) -> Gateway:
    gateway: Gateway | None = request_or_socket.scope.get(GATEWAY_SCOPE_KEY)  # the native route
    if gateway is None:
        gateway = request_or_socket.app.state.gateway
    return gateway


@router.post("/ws/tickets", status_code=201, operation_id="create_ws_ticket")
async def create_ticket(
    body: TicketCreate, user: CurrentUser, claims: TokenClaimsDep, context: ContextDep, request: Request
) -> TicketPublic:
    """A single-use ticket (valid 60 s) to open one job's WebSocket without putting a JWT in the URL."""

    def check() -> None:
        with context.db.session() as session:
            readable_job(session, body.job_id, user.id)

    await asyncio.to_thread(check)
    ticket = await issue_ticket(_gateway(request).redis, context.settings.redis_keys, claims, body.job_id)
    return TicketPublic(ticket=ticket, expires_in=TICKET_TTL_S)


@router.get("/admin/connections", operation_id="list_connections")
async def list_connections(
    user: CurrentUser, context: ContextDep, request: Request
) -> dict[str, list[dict[str, Any]]]:
    """Every open socket across all API processes (admins only)."""
    if not user.is_admin:
        raise Forbidden("only administrators may list connections")
    gateway = _gateway(request)
    connections = await all_connections(gateway.redis, gateway.keys)

    def names() -> dict[int, str]:
        with context.db.session() as session:
            return usernames(session, (entry["user_id"] for entry in connections))

    by_id = await asyncio.to_thread(names)
    for entry in connections:
        entry["username"] = by_id.get(entry["user_id"])
    return {"connections": connections}


def _parse_int(raw: str | None, what: str) -> int | None:
    if raw is None:
        return None
    if not raw.isdigit() or len(raw) > 10 or int(raw) > MAX_ID:
        raise InvalidInput(f"{what} must be an integer from 0 to {MAX_ID}")
    return int(raw)


async def job_updates(websocket: WebSocket) -> None:
    """Job events as the guide documents them, with exact replay from ``?since=N``."""
    job_id = str(websocket.path_params["job_id"])
    gateway = _gateway(websocket)
    await websocket.accept(subprotocol=offered_subprotocol(websocket))
    if not origin_allowed(websocket, gateway.settings.origin_allowlist):
        await websocket.close(CLOSE_POLICY, "origin not allowed")
        return
    try:
        job = _parse_int(job_id, "job id")
        since = _parse_int(websocket.query_params.get("since"), "since")
        assert job is not None
        epoch = gateway.access.epoch  # before the checks: see AccessWatch.track
        credentials = await authenticate(websocket, job, _tokens(websocket), gateway.redis, gateway.keys)
        await gateway.access.check(credentials)
    except DomainError as exc:
        await websocket.close(ws_close_code_for(exc), exc.message[:120])
        return
    await _serve(websocket, gateway, job, since, credentials, epoch)


# A plain Starlette route: the endpoint needs no dependency injection, and FastAPI's (exit
# stacks, solved dependencies, wrappers) would stay alive for as long as each socket is open.
router.add_websocket_route("/ws/jobs/{job_id}/updates", job_updates, name="job_updates")


def native_route(gateway: Gateway, prefix: str) -> tuple[re.Pattern[str], ASGIApp]:
    """The same endpoint as an ASGI app of its own, for ``wsproto.serve_natively``.

    Under ``a6hub api`` the WebSocket protocol hands these sockets straight to it: an open
    socket then holds a handful of coroutines instead of the ~25 of the main app's middleware
    and routing chain, which is most of its memory and of the objects the garbage collector
    walks (see bench/README.md).
    """
    pattern = re.compile(re.escape(prefix) + r"/ws/jobs/(?P<job_id>[^/]+)/updates")

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        scope[GATEWAY_SCOPE_KEY] = gateway
        await job_updates(WebSocket(scope, receive, send))

    # These sockets skip the application's middleware: the Host check is applied here too.
    return pattern, AllowedHostsOnly(app, allowed_hosts(gateway.settings))


def _tokens(websocket: WebSocket) -> TokenService:
    return _gateway(websocket).tokens


async def _serve(
    websocket: WebSocket,
    gateway: Gateway,
    job_id: int,
    since: int | None,
    credentials: Credentials,
    checked_in_epoch: int,
) -> None:
    settings = gateway.settings
    metrics = gateway.metrics

    def on_close(code: int) -> None:
        if code == CLOSE_TRY_AGAIN:
            metrics.slow_closes.inc()

    session = ClientSession(
        websocket,
        job_id,
        gateway.source,
        queue_size=settings.ws_send_queue,
        send_timeout_s=settings.ws_send_timeout_s,
        on_close=on_close,
        on_replayed=metrics.replayed.inc,
    )
    async with gateway.fanout.watch(job_id, session) as channel:
        watching_since = time.monotonic()
        try:
            snapshot, project_id = await gateway.snapshot(
                job_id, credentials.user_id, watching_since=watching_since
            )
        except DomainError as exc:
            await websocket.close(ws_close_code_for(exc), exc.message[:120])
            return
        channel.start_at(snapshot["last_seq"])
        done = snapshot.pop("done")
        connection_id = gateway.registry.add(credentials.user_id, session)
        watched = gateway.access.track(session, credentials, project_id, checked_in_epoch)
        metrics.open_sockets.inc()
        expiry = _schedule_expiry(session, credentials)
        try:
            session.start(snapshot, since, done)
            await session.run_receiver()
        finally:
            expiry.cancel()
            await session.stop()
            gateway.access.untrack(watched)
            gateway.registry.remove(connection_id)
            metrics.open_sockets.dec()
            metrics.frames_out.inc(session.frames_sent)


def _schedule_expiry(session: ClientSession, credentials: Credentials) -> asyncio.TimerHandle:
    """Close the socket (4401) when its session ends: the token's (or the ticket's token's) expiry."""
    delay = (credentials.expires_at - datetime.now(UTC)).total_seconds()
    return asyncio.get_running_loop().call_later(
        max(delay, 0), session.request_close, CLOSE_TOKEN_EXPIRED, "token expired; sign in again"
    )
