"""The hub's exception tree. Transports map each class to one HTTP status / close code.

DomainError
├── InvalidInput        bad request data (HTTP 422)
├── NotFound            missing, or private and not yours (HTTP 404, WebSocket 4404)
├── Forbidden           visible but not yours to change (HTTP 403, WebSocket 4403)
├── Conflict            duplicates, wrong state (HTTP 409)
├── TooLarge            size or count limits (HTTP 413)
├── Unauthorized        missing, invalid or expired credentials (HTTP 401, WebSocket 4401)
├── TooManyRequests     over a rate or fair-share limit (HTTP 429 with Retry-After)
└── ServiceUnavailable  database or Redis unreachable (HTTP 503)
"""

from __future__ import annotations


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    code = "invalid_input"


class NotFound(DomainError):
    code = "not_found"


class Forbidden(DomainError):
    code = "forbidden"


class Conflict(DomainError):
    code = "conflict"


class TooLarge(DomainError):
    code = "too_large"


class Unauthorized(DomainError):
    code = "unauthorized"


class ServiceUnavailable(DomainError):
    code = "service_unavailable"


class TooManyRequests(DomainError):
    """Over a rate or fair-share limit; ``retry_after_s`` becomes the ``Retry-After`` header."""

    code = "too_many_requests"

    def __init__(self, message: str, *, retry_after_s: int, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.retry_after_s = max(1, retry_after_s)
