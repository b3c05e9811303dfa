"""Dependencies as named types: ``SessionDep``, ``CurrentUser``, ``ContextDep``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from a6hub.adapters.db.models import User
from a6hub.adapters.db.users import get_user
from a6hub.api.context import AppContext
from a6hub.domain.errors import NotFound, Unauthorized

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/login", auto_error=False)


def get_context(request: Request) -> AppContext:
    context: AppContext = request.app.state.context
    return context


ContextDep = Annotated[AppContext, Depends(get_context)]


def get_session(context: ContextDep) -> Iterator[Session]:
    with context.db.session() as session:
        yield session


# Committed before the response goes out (scope="function"): a client that gets its 201 can read
# what it wrote at once, and a failed commit becomes the response instead of vanishing.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_current_user(
    context: ContextDep, session: SessionDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> User:
    if not token:
        raise Unauthorized("sign in first: send 'Authorization: Bearer <token>' from POST /api/v1/auth/login")
    claims = context.tokens.verify(token)
    try:
        return get_user(session, claims.user_id)
    except NotFound as exc:
        raise Unauthorized("the account of this token no longer exists") from exc


CurrentUser = Annotated[User, Depends(get_current_user)]
