"""Web hardening as ASGI middleware: allowed ``Host`` names, and security headers on every response.

- :class:`AllowedHostsOnly` answers 400 to a request (HTTP or WebSocket handshake) whose ``Host``
  is not one the hub answers to (see :mod:`a6hub.api.hosts`). Probes (``/healthz``,
  ``/readyz``) are exempt: orchestrators call them by address.
- :class:`SecurityHeaders` adds ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``,
  ``Referrer-Policy: no-referrer`` and a Content-Security-Policy: for the web app, its own
  scripts, styles and sockets only; for the API (JSON and downloads of users' files), nothing
  at all may load or run; for the OpenAPI pages (/docs, /redoc), framing is refused.
"""

from __future__ import annotations

import json

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from a6hub.api.hosts import AllowedHosts, host_name, refusal
from a6hub.config import Settings

PROBE_PATHS = frozenset({"/healthz", "/readyz"})
API_PATH_PREFIX = "/api/"
DOCS_PATHS = ("/docs", "/redoc")
CLOSE_POLICY_VIOLATION = 1008

API_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"
DOCS_POLICY = "frame-ancestors 'none'"  # Swagger UI / ReDoc load scripts from a CDN, inline
APP_POLICY = (
    "default-src 'self'; connect-src 'self'{sockets}; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
FIXED_HEADERS = (
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
)


def allowed_hosts(settings: Settings) -> AllowedHosts:
    return AllowedHosts.parse(
        settings.allowed_hosts, bind_host=settings.host, test_client=settings.env == "test"
    )


class AllowedHostsOnly:
    def __init__(self, app: ASGIApp, hosts: AllowedHosts) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"] in PROBE_PATHS:
            await self.app(scope, receive, send)
            return
        host = Headers(scope=scope).get("host")
        if self.hosts.allows(host):
            await self.app(scope, receive, send)
            return
        await _refuse(scope, send, refusal(host))


async def _refuse(scope: Scope, send: Send, message: str) -> None:
    prefix = "websocket." if scope["type"] == "websocket" else ""
    if prefix and "websocket.http.response" not in scope.get("extensions", {}):
        await send({"type": "websocket.close", "code": CLOSE_POLICY_VIOLATION, "reason": message[:120]})
        return
    body = json.dumps({"detail": message, "code": "bad_request"}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": f"{prefix}http.response.start", "status": 400, "headers": headers})
    await send({"type": f"{prefix}http.response.body", "body": body})


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = content_security_policy(scope["path"], Headers(scope=scope).get("host"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in (*FIXED_HEADERS, ("content-security-policy", policy)):
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def content_security_policy(path: str, host: str | None) -> str:
    """The policy for a response to ``path``; the web app may open sockets to its own host."""
    if path.startswith(API_PATH_PREFIX):
        return API_POLICY
    if path.startswith(DOCS_PATHS):
        return DOCS_POLICY
    # 'self' covers ws:/wss: of the same host in current browsers; older ones need them named.
    # Only a well-formed Host is echoed (a refused or malformed one gets no socket source).
    sockets = ""
    if host is not None and host_name(host) is not None:
        shown = host.strip().lower()
        sockets = f" ws://{shown} wss://{shown}"
    return APP_POLICY.format(sockets=sockets)
