"""Accounts: register, sign in (JSON or the OAuth2 form used by /docs), who am I, sign out
everywhere, delete the account."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from a6hub.adapters.bus.throttle import Reservation
from a6hub.adapters.db.models import User
from a6hub.adapters.db.users import create_user, ensure_free, find_by_login, stamp_of
from a6hub.api import accounts
from a6hub.api.auth_limits import client_address
from a6hub.api.context import AppContext
from a6hub.api.deps import ContextDep, CurrentUser, SessionDep
from a6hub.api.schemas import AccountDelete, LoginRequest, TokenPublic, UserCreate, UserPublic
from a6hub.domain.errors import Forbidden, InvalidInput, Unauthorized

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/register", status_code=status.HTTP_201_CREATED, operation_id="register")
async def register(body: UserCreate, context: ContextDep, request: Request) -> UserPublic:
    quotas = context.auth_quotas
    counted = [
        (quotas.register_by_address, client_address(request)),
        (quotas.register_by_username, body.username),
    ]
    await run_in_threadpool(context.attempts.reserve, counted)

    def check_free() -> None:
        with context.db.session() as session:
            ensure_free(session, email=body.email, username=body.username)

    await run_in_threadpool(check_free)  # before paying for the hash
    password_hash = await context.passwords.hash_async(body.password)

    def create() -> UserPublic:
        with context.db.session() as session:
            user = create_user(session, email=body.email, username=body.username, password_hash=password_hash)
            return UserPublic.model_validate(user)

    return await run_in_threadpool(create)


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
    user = await _password_checked(context, request, credentials.username, credentials.password)
    token = context.tokens.issue(user.id, stamp_of(user))
    return TokenPublic(access_token=token, expires_in=int(context.tokens.lifetime.total_seconds()))


async def _password_checked(context: AppContext, request: Request, login: str, password: str) -> User:
    """The account ``login`` names, if ``password`` is its password; a failure counts toward the
    sign-in throttles (by address and by username), a success does not."""
    quotas = context.auth_quotas

    def find_and_reserve() -> tuple[Reservation, User | None]:
        with context.db.session() as session:
            user = find_by_login(session, login)
        # Counted per account (its username and email are one subject), or per name if none.
        account = f"user-{user.id}" if user is not None else f"name-{login}"
        counted = [(quotas.login_by_address, client_address(request)), (quotas.login_by_username, account)]
        return context.attempts.reserve(counted), user

    reservation, user = await run_in_threadpool(find_and_reserve)
    matches = await context.passwords.verify_async(password, user.password_hash if user else None)
    if not matches or user is None:
        raise Unauthorized("wrong username or password")  # the attempt stays counted
    await run_in_threadpool(context.attempts.refund, reservation)
    return user


@router.get("/me", operation_id="me")
def me(user: CurrentUser) -> UserPublic:
    return UserPublic.model_validate(user)


@router.post("/logout-all", status_code=status.HTTP_204_NO_CONTENT, operation_id="logout_all")
def logout_all(user: CurrentUser, session: SessionDep, context: ContextDep) -> Response:
    """Sign out everywhere: every token of this account stops working, this one too, and its
    open WebSockets are closed (4401)."""
    accounts.revoke_tokens(session, context, user.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT, operation_id="delete_account")
async def delete_account(
    body: AccountDelete, user: CurrentUser, context: ContextDep, request: Request
) -> Response:
    """Delete your account with its projects, files and jobs; asks for the password again."""
    try:
        await _password_checked(context, request, user.username, body.password)
    except Unauthorized as exc:
        raise Forbidden("wrong password; the account was not deleted", field="password") from exc
    await run_in_threadpool(accounts.remove_account, context, user.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
