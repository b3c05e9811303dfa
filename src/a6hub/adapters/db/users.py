"""User accounts."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from a6hub.adapters.db.models import Project, User
from a6hub.domain.errors import Conflict, NotFound
from a6hub.domain.sessions import TokenStamp


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


def stamp_of(user: User) -> TokenStamp:
    """What the account's tokens must carry now."""
    return TokenStamp(account_key=user.token_key, version=user.token_version)


def token_stamps(connection: Connection, user_ids: Iterable[int]) -> dict[int, TokenStamp]:
    """The current stamps of the given users that exist (one query, no ORM: for the gateway)."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return {}
    rows = connection.execute(
        select(User.id, User.token_key, User.token_version).where(User.id.in_(wanted))
    ).tuples()
    return {user_id: TokenStamp(account_key=key, version=version) for user_id, key, version in rows}


def revoke_tokens(session: Session, user_id: int) -> None:
    """Every token issued to the user so far stops working ("log out everywhere")."""
    session.execute(
        update(User).where(User.id == user_id).values(token_version=User.token_version + 1),
        execution_options={"synchronize_session": False},
    )
    session.expire_all()


def delete_user(session: Session, user_id: int) -> list[int]:
    """Delete the account, its projects and jobs (the database cascades); returns the projects' ids."""
    projects = list(session.scalars(select(Project.id).where(Project.owner_id == user_id)))
    if session.execute(delete(User).where(User.id == user_id)).rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound(f"user {user_id} not found")
    session.expire_all()
    return projects
