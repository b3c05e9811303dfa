"""User accounts."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from a6hub.adapters.db.models import User
from a6hub.domain.errors import Conflict, NotFound


def ensure_free(session: Session, *, email: str, username: str) -> None:
    """Raise :class:`Conflict` naming the field if the email or username is taken."""
    taken = session.scalar(
        select(User).where(
            or_(func.lower(User.email) == email.lower(), func.lower(User.username) == username.lower())
        )
    )
    if taken is not None:
        what = "email" if taken.email.lower() == email.lower() else "username"
        raise Conflict(f"that {what} is already registered", field=what)


def create_user(
    session: Session, *, email: str, username: str, password_hash: str, is_admin: bool = False
) -> User:
    """Create an account; raises :class:`Conflict` when the email or username is taken."""
    ensure_free(session, email=email, username=username)
    user = User(email=email, username=username, password_hash=password_hash, is_admin=is_admin)
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict("that email or username is already registered") from exc
    return user


def find_by_login(session: Session, login: str) -> User | None:
    """The user whose username or email is ``login`` (any case)."""
    return session.scalar(
        select(User).where(
            or_(func.lower(User.username) == login.lower(), func.lower(User.email) == login.lower())
        )
    )


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    return user


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def usernames(session: Session, user_ids: Iterable[int]) -> dict[int, str]:
    """The usernames of the given users that exist, by id."""
    wanted = set(user_ids)
    if not wanted:
        return {}
    return dict(session.execute(select(User.id, User.username).where(User.id.in_(wanted))).tuples().all())
