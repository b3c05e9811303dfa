"""Administrators are made on purpose: never the demo account, never a stranger who took the name."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from a6hub.adapters.db.engine import Database
from a6hub.adapters.db.models import User
from a6hub.adapters.passwords import Passwords
from a6hub.api.app import create_app
from a6hub.bootstrap import ensure_demo_account
from a6hub.config import Settings
from tests.helpers import login, register
from tests.servers import hub_env

ADMIN_PASSWORD = "a long admin password"


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings.database_url)
    database.migrate()
    yield database
    database.dispose()


def is_admin(client: TestClient, username: str, password: str) -> bool:
    me = client.get("/api/v1/auth/me", headers=login(client, username, password))
    admin: bool = me.json()["is_admin"]
    return admin


def test_the_demo_account_is_not_an_admin(settings: Settings, db: Database) -> None:
    passwords = Passwords(1)
    assert ensure_demo_account(db, settings, passwords).created
    with TestClient(create_app(settings)) as client:
        assert not is_admin(client, settings.demo_user, settings.demo_password)
        demo = login(client, settings.demo_user, settings.demo_password)
        assert client.get("/api/v1/admin/connections", headers=demo).status_code == 403
    # A hub whose demo an older version made an administrator: the next start demotes it.
    with db.session() as session:
        session.execute(update(User).where(User.username == settings.demo_user).values(is_admin=True))
    assert not ensure_demo_account(db, settings, passwords).created
    with db.session() as session:
        assert session.scalar(select(User.is_admin).where(User.username == settings.demo_user)) is False


def test_admin_variables_create_the_admin_at_start(settings: Settings) -> None:
    configured = settings.model_copy(
        update={"admin_username": "root", "admin_email": "root@example.com", "admin_password": ADMIN_PASSWORD}
    )
    with TestClient(create_app(configured)) as client:
        assert is_admin(client, "root", ADMIN_PASSWORD)
        admin = login(client, "root", ADMIN_PASSWORD)
        assert client.get("/api/v1/admin/connections", headers=admin).status_code == 200
    with TestClient(create_app(configured)) as client:  # a second start changes nothing
        assert is_admin(client, "root", ADMIN_PASSWORD)


def test_admin_variables_promote_an_existing_account_only_with_its_password(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        register(client, "boss", password="the stranger's password")
    guessed = settings.model_copy(
        update={"admin_username": "boss", "admin_email": "boss@example.com", "admin_password": ADMIN_PASSWORD}
    )
    with TestClient(create_app(guessed)) as client:
        assert not is_admin(client, "boss", "the stranger's password")
    owned = settings.model_copy(
        update={"admin_username": "boss", "admin_password": "the stranger's password"}
    )
    with TestClient(create_app(owned)) as client:
        assert is_admin(client, "boss", "the stranger's password")


def admin_cli(settings: Settings, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "a6hub", "admin", *args],
        input=stdin,
        env=hub_env(settings),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_admin_create_and_promote_commands(settings: Settings) -> None:
    created = admin_cli(
        settings, "create", "chief", "--email", "chief@example.com", "--password-stdin", stdin=ADMIN_PASSWORD
    )
    assert created.returncode == 0, created.stderr
    assert "Created administrator chief" in created.stderr
    again = admin_cli(
        settings, "create", "chief", "--email", "x@example.com", "--password-stdin", stdin=ADMIN_PASSWORD
    )
    assert again.returncode == 2
    assert "a6hub admin promote chief" in again.stderr
    short = admin_cli(
        settings, "create", "tiny", "--email", "t@example.com", "--password-stdin", stdin="short"
    )
    assert short.returncode == 2 and "at least" in short.stderr
    with TestClient(create_app(settings)) as client:
        assert is_admin(client, "chief", ADMIN_PASSWORD)
        register(client, "deputy")
        assert not is_admin(client, "deputy", "correct horse battery")
        promoted = admin_cli(settings, "promote", "deputy")
        assert promoted.returncode == 0 and "deputy is now an administrator" in promoted.stderr
        assert is_admin(client, "deputy", "correct horse battery")
    missing = admin_cli(settings, "promote", "nobody")
    assert missing.returncode == 2 and "no account named 'nobody'" in missing.stderr
