"""Open sockets re-checked when access changes: sessions ended (4401), projects closed (4403/4404).

Every API process keeps one subscription to the "access changed" channel (see
:mod:`a6hub.adapters.bus.access`). A notice names a user (tokens revoked, account deleted) or a
project (visibility changed, deleted); the sockets it concerns are looked up in this process's
index and checked against the database again, with the same rules as a new socket.

Whether a token still stands for its account is asked at every connect, so the answers are
cached per user (for ``STAMP_TTL_S``); a notice about the user drops the cached answer. A
notice can cross a socket that is connecting (checked before the change was committed,
registered after the notice was handled): every notice moves an epoch on, and a socket
registered in a later epoch than it was checked in is checked once more. When the subscription
is lost, notices may have been missed: on resubscribing the cache is dropped and every open
socket is checked.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from starlette.concurrency import run_in_threadpool

from a6hub.adapters.bus.access import decode
from a6hub.adapters.bus.keys import RedisKeys
from a6hub.adapters.db.engine import Database
from a6hub.adapters.db.projects import project_accesses
from a6hub.adapters.db.users import token_stamps
from a6hub.api.errors import ws_close_code_for
from a6hub.domain.access import ProjectAccess, can_read
from a6hub.domain.access_changes import ProjectChanged, UserRevoked
from a6hub.domain.errors import DomainError, Forbidden, NotFound
from a6hub.domain.sessions import TokenStamp, require_current
from a6hub.gateway.auth import Credentials
from a6hub.gateway.pubsub import PubSubClient

log = logging.getLogger(__name__)
SUBSCRIBE_TIMEOUT_S = 10.0
RECONNECT_DELAY_S = 0.5
MAX_CACHED_STAMPS = 50_000
# A cached answer is asked again after this long, in case a notice was lost (published while
# Redis was away for a moment): a revoked token opens no new socket for longer than that.
STAMP_TTL_S = 30.0
IDS_PER_QUERY = 500


class Closable(Protocol):
    job_id: int

    def request_close(self, code: int, reason: str) -> None: ...


@dataclass(eq=False, slots=True)
class Watched:
    """One open socket, as the access checks see it."""

    socket: Closable
    credentials: Credentials
    project_id: int
    checked_in_epoch: int = field(default=0)

    def close_for(self, error: DomainError) -> None:
        self.socket.request_close(ws_close_code_for(error), error.message[:120])


class AccessWatch:
    def __init__(self, redis_url: str, keys: RedisKeys, db: Database) -> None:
        self._url = redis_url
        self._channel = keys.access_changes
        self._db = db
        self._by_user: dict[int, set[Watched]] = {}
        self._by_project: dict[int, set[Watched]] = {}
        self._stamps: dict[int, tuple[TokenStamp | None, float]] = {}  # answer, when it was read
        self.epoch = 0
        self._subscribed = asyncio.Event()
        self._listener: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Subscribe; returns once subscribed (or after a timeout, if Redis is not there yet)."""
        self._listener = asyncio.get_running_loop().create_task(self._listen())
        try:
            await asyncio.wait_for(self._subscribed.wait(), SUBSCRIBE_TIMEOUT_S)
        except TimeoutError:
            log.warning("gateway: not yet subscribed to access changes; going on, retrying meanwhile")

    async def close(self) -> None:
        for task in [self._listener, *self._tasks]:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    # -- the endpoint's side ----------------------------------------------------------------------

    async def check(self, credentials: Credentials) -> None:
        """Raise :class:`Unauthorized` unless the token still stands for its account."""
        require_current(credentials.stamp, await self._stamp(credentials.user_id))

    def track(
        self, socket: Closable, credentials: Credentials, project_id: int, checked_in_epoch: int
    ) -> Watched:
        """Watch an open socket; ``checked_in_epoch`` is :attr:`epoch` from before its checks."""
        watched = Watched(socket, credentials, project_id, checked_in_epoch)
        self._by_user.setdefault(credentials.user_id, set()).add(watched)
        self._by_project.setdefault(project_id, set()).add(watched)
        if checked_in_epoch != self.epoch:  # a notice came while it was being checked
            self._spawn(self._recheck([credentials.user_id], [project_id]))
        return watched

    def untrack(self, watched: Watched) -> None:
        for index, key in (
            (self._by_user, watched.credentials.user_id),
            (self._by_project, watched.project_id),
        ):
            entries = index.get(key)
            if entries is not None:
                entries.discard(watched)
                if not entries:
                    del index[key]

    # -- stamps ------------------------------------------------------------------------------------

    async def _stamp(self, user_id: int) -> TokenStamp | None:
        cached = self._stamps.get(user_id)
        if cached is not None and time.monotonic() - cached[1] < STAMP_TTL_S:
            return cached[0]
        epoch, read_at = self.epoch, time.monotonic()
        stamp = (await run_in_threadpool(self._load_stamps, [user_id])).get(user_id)
        if epoch == self.epoch:  # nothing changed meanwhile: the answer can be kept
            if len(self._stamps) >= MAX_CACHED_STAMPS:
                self._stamps.clear()
            self._stamps[user_id] = (stamp, read_at)
        return stamp

    def _load_stamps(self, user_ids: list[int]) -> dict[int, TokenStamp]:
        with self._db.engine.connect() as connection:
            return {
                key: value
                for ids in _chunks(user_ids)
                for key, value in token_stamps(connection, ids).items()
            }

    def _load_projects(self, project_ids: list[int]) -> dict[int, ProjectAccess]:
        with self._db.engine.connect() as connection:
            return {
                key: value
                for ids in _chunks(project_ids)
                for key, value in project_accesses(connection, ids).items()
            }

    # -- notices -----------------------------------------------------------------------------------

    def _on_message(self, _channel: bytes, data: bytes) -> None:
        change = decode(data)
        if change is None:
            return
        self.epoch += 1
        if isinstance(change, UserRevoked):
            self._stamps.pop(change.user_id, None)
            if change.user_id in self._by_user:
                self._spawn(self._recheck([change.user_id], []))
        elif isinstance(change, ProjectChanged) and change.project_id in self._by_project:
            self._spawn(self._recheck([], [change.project_id]))

    def _on_subscribed(self, _channel: bytes) -> None:
        """(Re)subscribed: what was missed meanwhile is unknown, so everything is checked again."""
        self.epoch += 1
        self._stamps.clear()
        self._subscribed.set()
        if self._by_user:
            self._spawn(self._recheck(list(self._by_user), list(self._by_project)))

    async def _recheck(self, user_ids: list[int], project_ids: list[int]) -> None:
        if user_ids:
            stamps = await run_in_threadpool(self._load_stamps, user_ids)
            for user_id in user_ids:
                for watched in list(self._by_user.get(user_id, ())):
                    try:
                        require_current(watched.credentials.stamp, stamps.get(user_id))
                    except DomainError as exc:
                        watched.close_for(exc)
        if project_ids:
            accesses = await run_in_threadpool(self._load_projects, project_ids)
            for project_id in project_ids:
                for watched in list(self._by_project.get(project_id, ())):
                    self._check_project(watched, accesses.get(project_id))

    @staticmethod
    def _check_project(watched: Watched, access: ProjectAccess | None) -> None:
        job_id = watched.socket.job_id
        if access is None:
            watched.close_for(NotFound(f"job {job_id} no longer exists: its project was deleted"))
        elif not can_read(access, watched.credentials.user_id):
            watched.close_for(Forbidden(f"you may no longer watch job {job_id}: its project is private"))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("gateway: re-checking sockets after an access change failed: %s", task.exception())

    async def _listen(self) -> None:
        while True:
            client = PubSubClient(self._url, self._on_message, self._on_subscribed)
            try:
                await client.connect()
                client.subscribe(self._channel)
                await client.run()
            except (ConnectionError, TimeoutError, OSError) as exc:
                log.warning("gateway: access-change subscription lost (%s); resubscribing", exc)
            finally:
                client.close()
            await asyncio.sleep(RECONNECT_DELAY_S)


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    """A few hundred ids per query (SQLite bounds the parameters of one statement)."""
    for start in range(0, len(ids), IDS_PER_QUERY):
        yield ids[start : start + IDS_PER_QUERY]
