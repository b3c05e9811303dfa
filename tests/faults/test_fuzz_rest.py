"""Every REST endpoint fuzzed from the OpenAPI spec (schemathesis): no 500, no schema violation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import Case
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.conftest import make_settings
from tests.servers import api_server

# Signing out everywhere would leave every later operation a bare 401 (it has tests of its own).
SESSION_ENDING = {"POST /api/v1/auth/logout-all"}


@pytest.fixture(scope="module")
def live_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    tmp_path: Path = tmp_path_factory.mktemp("fuzz")
    hub_settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'hub.sqlite3'}")
    with api_server(hub_settings, tmp_path / "api.log") as base:
        httpx.post(
            f"{base}/api/v1/auth/register",
            json={"email": "fuzz@example.com", "username": "fuzzer", "password": "fuzz-password"},
        ).raise_for_status()
        token = httpx.post(
            f"{base}/api/v1/auth/login", json={"username": "fuzzer", "password": "fuzz-password"}
        )
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        project = httpx.post(f"{base}/api/v1/projects", json={"name": "fuzz"}, headers=headers).json()
        httpx.put(
            f"{base}/api/v1/projects/{project['id']}/files/top.v",
            content=b"module top; endmodule\n",
            headers=headers,
        )
        yield base, headers


def test_no_server_errors_and_responses_match_the_spec(live_hub: tuple[str, dict[str, str]]) -> None:
    base, headers = live_hub
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    fuzzed = []
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]
        if operation.label in SESSION_ENDING:
            continue

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def check(case: Case[Any]) -> None:
            # Inputs the server refuses with a clear 422 (e.g. '..' in a file path) are not failures here:
            # what must hold is no 5xx and every response as the spec documents it.
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        check()
        fuzzed.append(operation.label)
    assert len(fuzzed) >= 20, fuzzed
