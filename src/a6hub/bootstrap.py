"""First start of a hub: the demo account with its blinky project, and the administrator.

The demo account's password is public, so it is never an administrator. An administrator is made
on purpose: ``a6hub admin create`` (see ``cli/admin.py``) or ``A6HUB_ADMIN_USERNAME``,
``A6HUB_ADMIN_EMAIL`` and ``A6HUB_ADMIN_PASSWORD``, read at every start of the API.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from a6hub.adapters.db.engine import Database
from a6hub.adapters.db.files import put_file
from a6hub.adapters.db.models import User
from a6hub.adapters.db.projects import create_project
from a6hub.adapters.db.users import create_user, find_user
from a6hub.adapters.passwords import Passwords
from a6hub.config import ConfigurationError, Settings
from a6hub.domain.access import Visibility
from a6hub.domain.errors import Conflict

log = logging.getLogger(__name__)
DEMO_FILES = (
    *("blinky.v", "blinky_tb.v", "icebreaker.pcf"),  # iCE40 (flow "ice40", the default)
    *("blinky_ulx3s.v", "ulx3s.lpf"),  # ECP5 (flow "ecp5")
    *("blinky_tangnano9k.v", "tangnano9k.cst"),  # Gowin (flow "gowin")
)
MIN_ADMIN_PASSWORD = 12


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    created: bool


class AdminOutcome(StrEnum):
    CREATED = "created"
    PROMOTED = "promoted"
    ALREADY_ADMIN = "already an administrator"
    REFUSED = "refused"


def ensure_demo_account(db: Database, settings: Settings, passwords: Passwords) -> DemoAccount:
    """Create the demo user and its 'blinky' project once; a demo made an administrator by an
    older version is demoted (its password is public)."""
    with db.session() as session:
        existing = find_user(session, settings.demo_user)
        if existing is not None:
            if existing.is_admin and passwords.verify(settings.demo_password, existing.password_hash):
                existing.is_admin = False
                log.warning("the demo account is no longer an administrator (its password is public)")
            return DemoAccount(settings.demo_user, settings.demo_password, created=False)
        user = create_user(
            session,
            email=f"{settings.demo_user}@example.com",
            username=settings.demo_user,
            password_hash=passwords.hash(settings.demo_password),
        )
        project = create_project(
            session,
            owner_id=user.id,
            name="blinky",
            description="Blinky for the iCEBreaker (iCE40 UP5K, with a testbench), the ULX3S (ECP5) "
            "and the Tang Nano 9K (Gowin)",
            visibility=Visibility.PUBLIC,
        )
        demo = resources.files("a6hub.demo")
        for name in DEMO_FILES:
            content = demo.joinpath(name).read_bytes()
            put_file(session, project, name, content, max_bytes=settings.max_file_bytes, max_files=10)
    return DemoAccount(settings.demo_user, settings.demo_password, created=True)


def check_admin_password(password: str) -> None:
    if len(password) < MIN_ADMIN_PASSWORD:
        raise ConfigurationError(
            f"an administrator's password needs at least {MIN_ADMIN_PASSWORD} characters"
        )


def create_admin(db: Database, passwords: Passwords, *, username: str, email: str, password: str) -> None:
    """A new administrator account; :class:`Conflict` if the username or email is taken."""
    check_admin_password(password)
    password_hash = passwords.hash(password)
    with db.session() as session:
        create_user(session, email=email, username=username, password_hash=password_hash, is_admin=True)


def promote(db: Database, username: str) -> AdminOutcome:
    """Make an existing account an administrator (:class:`LookupError` if there is none)."""
    with db.session() as session:
        user = _by_username(session, username)
        if user is None:
            raise LookupError(f"no account named {username!r}")
        if user.is_admin:
            return AdminOutcome.ALREADY_ADMIN
        user.is_admin = True
        return AdminOutcome.PROMOTED


def ensure_admin_from_settings(db: Database, settings: Settings, passwords: Passwords) -> AdminOutcome | None:
    """``A6HUB_ADMIN_*``: create that administrator, or promote the existing account of that name
    if ``A6HUB_ADMIN_PASSWORD`` is its password (so a stranger who registered the name first is
    never promoted). ``None`` when no administrator is configured."""
    username = settings.admin_username.strip()
    if not username:
        return None
    with db.session() as session:
        user = _by_username(session, username)
        if user is not None:
            return _promote_if_owner(user, settings.admin_password, passwords)
    if not settings.admin_email or not settings.admin_password:
        raise ConfigurationError(
            "A6HUB_ADMIN_USERNAME needs A6HUB_ADMIN_EMAIL and A6HUB_ADMIN_PASSWORD to create the account"
        )
    try:
        create_admin(
            db, passwords, username=username, email=settings.admin_email, password=settings.admin_password
        )
    except Conflict:  # another API process created it meanwhile, or the email is taken
        with db.session() as session:
            user = _by_username(session, username)
            if user is None:
                raise ConfigurationError(
                    f"A6HUB_ADMIN_EMAIL {settings.admin_email} belongs to another account"
                ) from None
            return _promote_if_owner(user, settings.admin_password, passwords)
    log.info("administrator %s created from A6HUB_ADMIN_*", username)
    return AdminOutcome.CREATED


def _promote_if_owner(user: User, password: str, passwords: Passwords) -> AdminOutcome:
    if user.is_admin:
        return AdminOutcome.ALREADY_ADMIN
    if password and passwords.verify(password, user.password_hash):
        user.is_admin = True
        log.info("account %s made an administrator from A6HUB_ADMIN_*", user.username)
        return AdminOutcome.PROMOTED
    log.warning(
        "A6HUB_ADMIN_USERNAME=%s names an existing account whose password is not A6HUB_ADMIN_PASSWORD; "
        "it was not made an administrator (run 'a6hub admin promote %s' if it is yours)",
        user.username,
        user.username,
    )
    return AdminOutcome.REFUSED


def _by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.username) == username.lower()))
