"""A burst of sign-ins hashes a few passwords at a time: the API's memory stays bounded."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from argon2 import PasswordHasher

from tests.conftest import make_settings
from tests.memory import peak_rss, reset_peak_rss, server_process
from tests.servers import api_server

LOGINS = 40
PASSWORD = "correct horse battery"
ARGON2_BYTES = PasswordHasher().memory_cost * 1024  # what one hash holds while it runs (64 MiB)


async def burst(base: str, users: list[str]) -> list[int]:
    limits = httpx.Limits(max_connections=LOGINS)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:

        async def one(n: int) -> int:
            body = {"username": users[n % len(users)], "password": PASSWORD}
            # Each from its own address (via the local proxy header), like 40 people signing in.
            headers = {"X-Forwarded-For": f"192.0.2.{n + 1}"}
            response = await client.post("/api/v1/auth/login", json=body, headers=headers)
            return response.status_code

        return await asyncio.gather(*(one(n) for n in range(LOGINS)))


def test_forty_concurrent_logins_all_succeed_with_bounded_memory(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'hub.sqlite3'}")
    users = [f"member{n}" for n in range(4)]
    with api_server(settings, tmp_path / "api.log") as base:
        for n, name in enumerate(users):
            httpx.post(
                f"{base}/api/v1/auth/register",
                json={"email": f"{name}@example.com", "username": name, "password": PASSWORD},
                headers={"X-Forwarded-For": f"198.51.100.{n + 1}"},
            ).raise_for_status()
        process = server_process(base)
        assert asyncio.run(burst(base, users[:1])) == [200] * LOGINS  # warm: pools, threads, allocator
        before = reset_peak_rss(process)
        statuses = asyncio.run(burst(base, users))
        growth = peak_rss(process) - before
    assert statuses == [200] * LOGINS
    # Hashed side by side, the 40 logins would need ~40 x 64 MiB; a few at a time need a few x 64 MiB.
    bound = 2 * settings.password_hash_concurrency * ARGON2_BYTES
    assert growth < bound, f"peak RSS grew by {growth / 2**20:.0f} MiB (bound {bound / 2**20:.0f} MiB)"
