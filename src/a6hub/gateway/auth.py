"""Who is on the other end of a socket: a JWT (query or subprotocol) or a single-use ticket.

Checks run after the handshake is accepted, so browsers see the close code (4401, 4403, ...)
instead of a bare failed handshake.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import redis.asyncio as aioredis
from starlette.websockets import WebSocket

from a6hub.adapters.bus.keys import RedisKeys
from a6hub.adapters.security import TokenClaims, TokenService
from a6hub.domain.errors import Forbidden, Unauthorized
from a6hub.domain.sessions import TokenStamp

BEARER_SUBPROTOCOL = "bearer"
TICKET_TTL_S = 60


@dataclass(frozen=True, slots=True)
class Credentials:
    """Who the socket is for, what their token carried, and when its session ends."""

    user_id: int
    stamp: TokenStamp
    expires_at: datetime


def offered_subprotocol(websocket: WebSocket) -> str | None:
    """``bearer`` if the client offered ``Sec-WebSocket-Protocol: bearer, <jwt>`` (echoed on accept)."""
    offered = list(websocket.scope.get("subprotocols", []))
    return BEARER_SUBPROTOCOL if BEARER_SUBPROTOCOL in offered else None


def _subprotocol_token(websocket: WebSocket) -> str | None:
    offered = list(websocket.scope.get("subprotocols", []))
    if BEARER_SUBPROTOCOL in offered:
        index = offered.index(BEARER_SUBPROTOCOL)
        if index + 1 < len(offered):
            return str(offered[index + 1])
    return None


async def authenticate(
    websocket: WebSocket, job_id: int, tokens: TokenService, redis: aioredis.Redis, keys: RedisKeys
) -> Credentials:
    token = _subprotocol_token(websocket) or websocket.query_params.get("token")
    if token:
        claims = tokens.verify(token)
        return Credentials(claims.user_id, claims.stamp, claims.expires_at)
    ticket = websocket.query_params.get("ticket")
    if ticket:
        return await redeem_ticket(redis, keys, ticket, job_id)
    raise Unauthorized("missing credentials: pass ?ticket=, the 'bearer' subprotocol or ?token=")


async def issue_ticket(redis: aioredis.Redis, keys: RedisKeys, claims: TokenClaims, job_id: int) -> str:
    """A ticket for the session of the token ``claims`` came from: the socket it opens ends when
    that session does (the token expires, is revoked, or its account is deleted)."""
    ticket = secrets.token_urlsafe(32)
    value = json.dumps(
        {
            "user_id": claims.user_id,
            "job_id": job_id,
            "ver": claims.stamp.version,
            "acct": claims.stamp.account_key,
            "exp": int(claims.expires_at.timestamp()),
        }
    )
    await redis.set(keys.ws_ticket(ticket), value, ex=TICKET_TTL_S, nx=True)
    return ticket


async def redeem_ticket(redis: aioredis.Redis, keys: RedisKeys, ticket: str, job_id: int) -> Credentials:
    """A ticket works once, within its minute, for the job it was issued for."""
    raw = await redis.getdel(keys.ws_ticket(ticket[:128]))
    if raw is None:
        raise Unauthorized("ticket unknown, expired or already used; ask for a new one")
    issued = json.loads(raw)
    if int(issued["job_id"]) != job_id:
        raise Forbidden("this ticket was issued for another job")
    try:
        stamp = TokenStamp(account_key=str(issued["acct"]), version=int(issued["ver"]))
        ends_at = datetime.fromtimestamp(int(issued["exp"]), UTC)
    except (KeyError, TypeError, ValueError) as exc:
        raise Unauthorized("ticket from an older version of the hub; ask for a new one") from exc
    return Credentials(int(issued["user_id"]), stamp, ends_at)


def origin_allowed(websocket: WebSocket, allowlist: frozenset[str]) -> bool:
    """Clients without an Origin (CLI, scripts) pass; browsers must be same-host or allow-listed."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    origin = origin.rstrip("/")
    if origin in allowlist:
        return True
    return urlsplit(origin).netloc.lower() == websocket.headers.get("host", "").lower()
