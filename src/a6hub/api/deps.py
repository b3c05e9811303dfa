"""Dependencies as named types: ``SessionDep``, ``CurrentUser``, ``AdminUser``, ``ContextDep``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from a6hub.adapters.db.models import User
from a6hub.adapters.db.users import stamp_of
from a6hub.adapters.security import TokenClaims
from a6hub.api.context import AppContext
from a6hub.domain.errors import Forbidden, Unauthorized
from a6hub.domain.sessions import require_current

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


def get_token_claims(
    context: ContextDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> TokenClaims:
    if not token:
        raise Unauthorized("sign in first: send 'Authorization: Bearer <token>' from POST /api/v1/auth/login")
    return context.tokens.verify(token)


TokenClaimsDep = Annotated[TokenClaims, Depends(get_token_claims)]


def get_current_user(session: SessionDep, claims: TokenClaimsDep) -> User:
    """The signed-in user, if the token's signature, times and account stamp all hold."""
    user = session.get(User, claims.user_id)
    require_current(claims.stamp, stamp_of(user) if user is not None else None)
    assert user is not None
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_admin(user: CurrentUser) -> User:
    if not user.is_admin:
        raise Forbidden("only administrators may do this")
    return user


AdminUser = Annotated[User, Depends(get_admin)]
