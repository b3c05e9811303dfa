"""What can go wrong talking to a hub: one exception class per kind, each with a plain message.

A6hubError
├── HubUnreachable       no answer (connection refused, DNS, timeout, TLS)
├── AuthenticationError  HTTP 401, WebSocket 4401: wrong password, missing or expired token
├── PermissionDenied     HTTP 403, WebSocket 4403
├── NotFound             HTTP 404, WebSocket 4404 (also a private project of someone else)
├── InvalidRequest       HTTP 400/409/413/422, WebSocket 1008: the hub refused the request's data
└── ServerError          HTTP 5xx or an answer that is not the hub's API
"""

from __future__ import annotations

import httpx


class A6hubError(Exception):
    """Base class; ``message`` is one line meant for a person, ``status`` the HTTP status if any."""

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


class HubUnreachable(A6hubError):
    pass


class AuthenticationError(A6hubError):
    pass


class PermissionDenied(A6hubError):
    pass


class NotFound(A6hubError):
    pass


class InvalidRequest(A6hubError):
    pass


class ServerError(A6hubError):
    pass


WRONG_PASSWORD = "wrong_password"  # noqa: S105 - the code of a failed sign-in, not a secret

_BY_STATUS: dict[int, type[A6hubError]] = {401: AuthenticationError, 403: PermissionDenied, 404: NotFound}
_BY_CLOSE_CODE: dict[int, type[A6hubError]] = {
    4401: AuthenticationError,
    4403: PermissionDenied,
    4404: NotFound,
    1008: InvalidRequest,
}


def detail_of(response: httpx.Response) -> str:
    """The API's ``detail`` (``{"detail", "code"}`` bodies), else the start of the body."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("detail"), str):
        return str(body["detail"])
    text = response.text.strip().splitlines()
    return text[0][:200] if text else response.reason_phrase or f"HTTP {response.status_code}"


def error_for_response(response: httpx.Response) -> A6hubError:
    status = response.status_code
    detail = detail_of(response)
    try:
        code = response.json().get("code")
    except (ValueError, AttributeError):
        code = None
    kind = _BY_STATUS.get(status)
    if kind is None:
        kind = ServerError if status >= 500 else InvalidRequest
    return kind(detail, status=status, code=code if isinstance(code, str) else None)


def error_for_close(code: int, reason: str) -> A6hubError | None:
    """The error a WebSocket close code means, or ``None`` if the client should reconnect."""
    kind = _BY_CLOSE_CODE.get(code)
    if kind is None:
        return None
    return kind(reason or f"the hub closed the connection (code {code})", code=str(code))


def unreachable(url: str, exc: BaseException) -> HubUnreachable:
    reason = _reason(exc)
    return HubUnreachable(f"cannot reach the hub at {url} ({reason})")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return "timed out"
    text = str(exc) or type(exc).__name__
    lowered = text.lower()
    if "refused" in lowered:
        return "connection refused"
    if "name or service not known" in lowered or "nodename nor servname" in lowered:
        return "unknown host name"
    return text.splitlines()[0][:160]
