"""Migration 0002 on a hub with accounts: each gets its own token key; old tokens are refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from alembic import command
from alembic.config import Config as AlembicConfig
from fastapi.testclient import TestClient
from sqlalchemy import text

from a6hub.adapters.db.engine import MIGRATIONS_DIR, Database
from a6hub.api.app import create_app
from a6hub.config import Settings


@pytest.fixture
def db_at_0001(settings: Settings) -> Iterator[Database]:
    db = Database(settings.database_url)
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    yield db
    db.dispose()


def test_existing_accounts_get_distinct_keys_and_sign_in_again(
    db_at_0001: Database, settings: Settings
) -> None:
    with db_at_0001.engine.begin() as connection:
        for name in ("old1", "old2"):
            connection.execute(
                text(
                    "INSERT INTO users (email, username, password_hash, is_admin, created_at) "
                    "VALUES (:email, :name, 'x', false, :now)"
                ),
                {"email": f"{name}@example.com", "name": name, "now": datetime.now(UTC)},
            )
    db_at_0001.migrate()
    with db_at_0001.engine.connect() as connection:
        rows = connection.execute(text("SELECT token_key, token_version FROM users ORDER BY id")).all()
    keys = [key for key, _ in rows]
    assert len(keys) == 2 and all(len(key) >= 16 for key in keys) and keys[0] != keys[1]
    assert [version for _, version in rows] == [0, 0]
    # A token from before the upgrade (no account key, no version) is refused with a clear reason.
    now = datetime.now(UTC)
    before = jwt.encode(
        {"sub": "1", "iat": now, "exp": now + timedelta(hours=1)}, settings.resolved_secret_key()
    )
    with TestClient(create_app(settings)) as client:
        response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {before}"})
    assert response.status_code == 401
    assert "older version of the hub" in response.json()["detail"]
