"""Sign-in and registration throttles, against two real API processes sharing one Redis."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from a6hub.config import Settings
from tests.conftest import make_settings
from tests.servers import api_server

PASSWORD = "correct horse battery"
_addresses = (f"198.51.100.{n}" for n in itertools.count(1))


@pytest.fixture(scope="module")
def hub_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    tmp_path: Path = tmp_path_factory.mktemp("throttle")
    return make_settings(tmp_path, f"sqlite:///{tmp_path / 'hub.sqlite3'}")


@pytest.fixture(scope="module")
def servers(hub_settings: Settings) -> Iterator[tuple[str, str]]:
    """Two API processes of one hub: what one counts, the other sees."""
    log = hub_settings.data_dir / "api.log"
    with api_server(hub_settings, log) as first, api_server(hub_settings, log) as second:
        yield first, second


def a_new_address() -> str:
    """Another client, as a reverse proxy on the same machine reports it (X-Forwarded-For)."""
    return next(_addresses)


def register(base: str, name: str, address: str | None = None) -> httpx.Response:
    body = {"email": f"{name}@example.com", "username": name, "password": PASSWORD}
    return httpx.post(f"{base}/api/v1/auth/register", json=body, headers=_from(address or a_new_address()))


def login(base: str, name: str, password: str, address: str) -> httpx.Response:
    body = {"username": name, "password": password}
    return httpx.post(f"{base}/api/v1/auth/login", json=body, headers=_from(address), timeout=30)


def _from(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


def assert_throttled(response: httpx.Response, hub_settings: Settings) -> None:
    assert response.status_code == 429, response.text
    assert response.json()["code"] == "too_many_requests"
    assert 0 < int(response.headers["Retry-After"]) <= hub_settings.auth_window_s
    assert f"try again in {response.headers['Retry-After']} s" in response.json()["detail"]


def test_a_brute_force_loop_gets_429_with_retry_after(
    servers: tuple[str, str], hub_settings: Settings
) -> None:
    register(servers[0], "victim").raise_for_status()
    attacker = a_new_address()
    answers = [
        login(servers[n % 2], "victim", f"guess-{n}", attacker).status_code
        for n in range(hub_settings.login_attempts_per_window)
    ]
    assert answers == [401] * hub_settings.login_attempts_per_window  # counted across both processes
    for base in servers:
        assert_throttled(login(base, "victim", "guess-again", attacker), hub_settings)
    refused = login(servers[0], "victim", PASSWORD, attacker)
    assert_throttled(refused, hub_settings)
    assert "your address" in refused.json()["detail"]
    # The real user, from their own address, still gets in.
    assert login(servers[1], "victim", PASSWORD, a_new_address()).status_code == 200


def test_successful_sign_ins_do_not_count(servers: tuple[str, str], hub_settings: Settings) -> None:
    register(servers[0], "clumsy").raise_for_status()
    home = a_new_address()
    limit = hub_settings.login_attempts_per_window
    for _ in range(limit - 1):
        assert login(servers[0], "clumsy", "typo", home).status_code == 401
    for _ in range(5):
        assert login(servers[1], "clumsy", PASSWORD, home).status_code == 200
    assert login(servers[0], "clumsy", "typo", home).status_code == 401  # the limit-th failure
    assert_throttled(login(servers[0], "clumsy", PASSWORD, home), hub_settings)


def test_guesses_from_many_addresses_hit_the_looser_per_username_limit(
    servers: tuple[str, str], hub_settings: Settings
) -> None:
    register(servers[0], "popular").raise_for_status()
    per_address = hub_settings.login_attempts_per_window
    assert hub_settings.login_attempts_per_username > per_address
    for n in range(hub_settings.login_attempts_per_username):
        address = f"203.0.113.{n // per_address + 1}"
        name = "popular" if n % 2 else "Popular@example.com"  # one account, by name or by email
        assert login(servers[n % 2], name, f"guess-{n}", address).status_code == 401
    refused = login(servers[0], "POPULAR", "one more", a_new_address())
    assert_throttled(refused, hub_settings)
    assert "this account" in refused.json()["detail"]
    # Other accounts are not affected.
    register(servers[0], "bystander").raise_for_status()
    assert login(servers[1], "bystander", PASSWORD, a_new_address()).status_code == 200


def test_registration_is_throttled_per_address(servers: tuple[str, str], hub_settings: Settings) -> None:
    spammer = a_new_address()
    limit = hub_settings.register_attempts_per_window
    answers = [register(servers[n % 2], f"spam{n}", spammer).status_code for n in range(limit)]
    assert answers == [201] * limit
    refused = register(servers[0], "spam-more", spammer)
    assert_throttled(refused, hub_settings)
    assert register(servers[1], "honest", a_new_address()).status_code == 201
