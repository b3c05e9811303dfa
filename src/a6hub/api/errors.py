"""Every error leaves the API in one shape: ``{"detail": str, "code": str}``."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException

from a6hub.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
    TooLarge,
    TooManyRequests,
    Unauthorized,
)

HTTP_STATUS: dict[type[DomainError], int] = {
    InvalidInput: 422,
    NotFound: 404,
    Forbidden: 403,
    Conflict: 409,
    TooLarge: 413,
    Unauthorized: 401,
    TooManyRequests: 429,
    ServiceUnavailable: 503,
}

WS_CLOSE_CODE: dict[type[DomainError], int] = {
    Unauthorized: 4401,
    Forbidden: 4403,
    NotFound: 4404,
    InvalidInput: 1008,
    ServiceUnavailable: 1011,
}

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
}


def http_status_for(error: DomainError) -> int:
    return next((status for kind, status in HTTP_STATUS.items() if isinstance(error, kind)), 400)


def ws_close_code_for(error: DomainError) -> int:
    return next((code for kind, code in WS_CLOSE_CODE.items() if isinstance(error, kind)), 1011)


def error_body(detail: str, code: str) -> dict[str, str]:
    return {"detail": detail, "code": code}


async def _domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    headers: dict[str, str] | None = None
    if isinstance(exc, Unauthorized):
        headers = {"WWW-Authenticate": "Bearer"}
    elif isinstance(exc, TooManyRequests):
        headers = {"Retry-After": str(exc.retry_after_s)}
    return JSONResponse(error_body(exc.message, exc.code), status_code=http_status_for(exc), headers=headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}" for error in exc.errors()]
    return JSONResponse(error_body("; ".join(problems), InvalidInput.code), status_code=422)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "error")
    return JSONResponse(error_body(str(exc.detail), code), status_code=exc.status_code, headers=exc.headers)


async def _service_down(_request: Request, exc: Exception) -> JSONResponse:
    which = "Redis" if isinstance(exc, RedisConnectionError | RedisTimeoutError) else "the database"
    detail = f"{which} is unreachable right now; retry in a few seconds"
    return JSONResponse(
        error_body(detail, ServiceUnavailable.code), status_code=503, headers={"Retry-After": "5"}
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    for down in (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError):
        app.add_exception_handler(down, _service_down)
