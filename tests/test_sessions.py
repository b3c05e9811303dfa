"""Tokens stand for one account and its current sessions: sign out everywhere, delete, reuse, age."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
from fastapi.testclient import TestClient
from sqlalchemy import update

from a6hub.adapters.db.models import User
from a6hub.api.app import create_app
from a6hub.config import Settings
from a6hub.domain.sessions import TokenStamp
from tests.helpers import login, register

PASSWORD = "correct horse battery"


def me(client: TestClient, headers: dict[str, str]) -> tuple[int, str]:
    response = client.get("/api/v1/auth/me", headers=headers)
    return response.status_code, response.json().get("detail", "")


def make_admin(client: TestClient, username: str) -> None:
    with client.app.state.context.db.session() as session:  # type: ignore[attr-defined]
        session.execute(update(User).where(User.username == username).values(is_admin=True))


def test_logout_everywhere_revokes_every_token_of_the_account(client: TestClient) -> None:
    register(client, "ada")
    register(client, "bob")
    laptop, phone, other = login(client, "ada"), login(client, "ada"), login(client, "bob")
    assert client.post("/api/v1/auth/logout-all", headers=phone).status_code == 204
    for headers in (laptop, phone):
        status, detail = me(client, headers)
        assert status == 401 and "signed out everywhere" in detail
    assert me(client, other)[0] == 200  # other accounts keep their sessions
    assert me(client, login(client, "ada"))[0] == 200  # and signing in again works


def test_deleting_your_account_asks_for_the_password_and_ends_its_tokens(client: TestClient) -> None:
    register(client, "leaving")
    headers = login(client, "leaving")
    project = client.post("/api/v1/projects", json={"name": "p"}, headers=headers).json()
    wrong = client.request("DELETE", "/api/v1/auth/me", json={"password": "not it"}, headers=headers)
    assert wrong.status_code == 403 and "not deleted" in wrong.json()["detail"]
    assert me(client, headers)[0] == 200
    gone = client.request("DELETE", "/api/v1/auth/me", json={"password": PASSWORD}, headers=headers)
    assert gone.status_code == 204
    status, detail = me(client, headers)
    assert status == 401 and "no longer exists" in detail
    assert (
        client.post("/api/v1/auth/login", json={"username": "leaving", "password": PASSWORD}).status_code
        == 401
    )
    register(client, "looker")
    looker = login(client, "looker")
    assert client.get(f"/api/v1/projects/{project['id']}", headers=looker).status_code == 404


def test_a_reused_user_id_never_inherits_an_old_token(client: TestClient, settings: Settings) -> None:
    register(client, "first")
    old = login(client, "first")
    first_id = client.get("/api/v1/auth/me", headers=old).json()["id"]
    gone = client.request("DELETE", "/api/v1/auth/me", json={"password": PASSWORD}, headers=old)
    assert gone.status_code == 204
    second = register(client, "second")
    if settings.database_url.startswith("sqlite"):
        assert second["id"] == first_id  # SQLite hands the freed id out again
    status, detail = me(client, old)
    assert status == 401 and "no longer exists" in detail
    assert me(client, login(client, "second")) == (200, "")


def test_an_admin_deletes_a_user_and_its_tokens_stop_working(client: TestClient) -> None:
    register(client, "chief")
    make_admin(client, "chief")
    admin = login(client, "chief")
    victim = register(client, "spammer")
    spammer = login(client, "spammer")
    assert client.delete(f"/api/v1/admin/users/{victim['id']}", headers=spammer).status_code == 403
    assert client.delete(f"/api/v1/admin/users/{victim['id']}", headers=admin).status_code == 204
    assert me(client, spammer)[0] == 401
    assert client.delete(f"/api/v1/admin/users/{victim['id']}", headers=admin).status_code == 404
    chief_id = client.get("/api/v1/auth/me", headers=admin).json()["id"]
    assert client.delete(f"/api/v1/admin/users/{chief_id}", headers=admin).status_code == 409


def test_the_hubs_maximum_token_lifetime_overrides_a_later_expiry(
    client: TestClient, settings: Settings
) -> None:
    register(client, "keeper")
    token = login(client, "keeper")["Authorization"].split()[1]
    claims = jwt.decode(token, options={"verify_signature": False})
    now = datetime.now(UTC)
    key = settings.resolved_secret_key()
    max_age = timedelta(minutes=settings.max_token_minutes)
    old = {**claims, "iat": now - max_age - timedelta(minutes=1), "exp": now + timedelta(days=365)}
    young = {**claims, "iat": now - max_age + timedelta(minutes=5), "exp": now + timedelta(days=365)}
    status, detail = me(client, {"Authorization": f"Bearer {jwt.encode(old, key)}"})
    assert status == 401 and "maximum token lifetime" in detail
    assert me(client, {"Authorization": f"Bearer {jwt.encode(young, key)}"})[0] == 200
    unversioned = {key: value for key, value in claims.items() if key not in ("ver", "acct")}
    status, detail = me(client, {"Authorization": f"Bearer {jwt.encode(unversioned, key)}"})
    assert status == 401 and "sign in again" in detail


def test_lowering_the_maximum_lifetime_ends_tokens_already_issued(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        register(client, "early")
        claims = jwt.decode(
            login(client, "early")["Authorization"].split()[1], options={"verify_signature": False}
        )
        stamp = TokenStamp(account_key=claims["acct"], version=claims["ver"])
        tokens = client.app.state.context.tokens  # type: ignore[attr-defined]
        issued = tokens.issue(int(claims["sub"]), stamp, now=datetime.now(UTC) - timedelta(minutes=10))
        headers = {"Authorization": f"Bearer {issued}"}
        assert me(client, headers)[0] == 200  # a day's lifetime by default
    stricter = settings.model_copy(update={"max_token_minutes": 5})
    with TestClient(create_app(stricter)) as client:
        status, detail = me(client, headers)
        assert status == 401 and "maximum token lifetime" in detail
        response = client.post("/api/v1/auth/login", json={"username": "early", "password": PASSWORD})
        assert response.json()["expires_in"] == 5 * 60  # new tokens no longer than the maximum
        assert me(client, {"Authorization": f"Bearer {response.json()['access_token']}"})[0] == 200
