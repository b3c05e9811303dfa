"""Password hashing (Argon2) with a bound on how many hashes run at once.

Each Argon2 hash holds ``memory_cost`` KiB (64 MiB with argon2-cffi's defaults) while it runs,
so a burst of 40 sign-ins hashed side by side would take ~2.5 GiB. A :class:`Passwords` lets at
most ``concurrency`` hashes run in this process: the async methods queue on its own small
thread pool (waiting costs no thread of the server's pool), and the blocking ones take a slot
of the same semaphore, whatever thread they run on.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_ARGON2 = PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against when the user does not exist, so an unknown name costs as much as a wrong password."""
    return _ARGON2.hash("a6hub-timing-equalizer")


class Passwords:
    def __init__(self, concurrency: int) -> None:
        self.concurrency = max(1, concurrency)
        self._slots = threading.BoundedSemaphore(self.concurrency)
        self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="password-hash")

    def hash(self, password: str) -> str:
        with self._slots:
            return _ARGON2.hash(password)

    def verify(self, password: str, password_hash: str | None) -> bool:
        """Whether ``password`` matches; ``None`` (no such user) costs the same and is ``False``."""
        against = password_hash or _dummy_hash()
        with self._slots:
            try:
                return _ARGON2.verify(against, password) and password_hash is not None
            except (VerificationError, InvalidHashError):
                return False

    async def hash_async(self, password: str) -> str:
        return await asyncio.get_running_loop().run_in_executor(self._pool, self.hash, password)

    async def verify_async(self, password: str, password_hash: str | None) -> bool:
        return await asyncio.get_running_loop().run_in_executor(
            self._pool, self.verify, password, password_hash
        )

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
