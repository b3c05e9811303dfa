"""Accounts: register, sign in (JSON or the OAuth2 form used by /docs), who am I."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from a6hub.adapters.db.users import authenticate, create_user
from a6hub.api.deps import ContextDep, CurrentUser, SessionDep
from a6hub.api.schemas import LoginRequest, TokenPublic, UserCreate, UserPublic
from a6hub.domain.errors import InvalidInput

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/register", status_code=status.HTTP_201_CREATED, operation_id="register")
def register(body: UserCreate, session: SessionDep) -> UserPublic:
    user = create_user(session, email=body.email, username=body.username, password=body.password)
    return UserPublic.model_validate(user)


async def _login_request(request: Request) -> LoginRequest:
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        form = await request.form()
        raw = {"username": form.get("username", ""), "password": form.get("password", "")}
    else:
        try:
            raw = await request.json()
        except ValueError as exc:
            raise InvalidInput("send JSON {username, password} or an OAuth2 password form") from exc
    try:
        return LoginRequest.model_validate(raw)
    except ValidationError as exc:
        raise InvalidInput("username and password are required") from exc


@router.post(
    "/login",
    operation_id="login",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": LoginRequest.model_json_schema()},
                "application/x-www-form-urlencoded": {"schema": LoginRequest.model_json_schema()},
            },
            "required": True,
        }
    },
)
async def login(request: Request, context: ContextDep) -> TokenPublic:
    credentials = await _login_request(request)

    def check() -> TokenPublic:
        with context.db.session() as session:
            user = authenticate(session, credentials.username, credentials.password)
            token = context.tokens.issue(user.id)
        return TokenPublic(access_token=token, expires_in=int(context.tokens.lifetime.total_seconds()))

    return await run_in_threadpool(check)


@router.get("/me", operation_id="me")
def me(user: CurrentUser) -> UserPublic:
    return UserPublic.model_validate(user)
