"""Every Redis key, channel and queue name the hub uses, defined once.

With the default empty prefix the names are exactly the guide's (``job:{id}:updates``, so
``redis-cli PSUBSCRIBE 'job:*:updates'`` shows every event); a prefix lets several hubs
(or test runs) share one Redis server.
"""

from __future__ import annotations

from dataclasses import dataclass

STREAM_FIELD = "e"


@dataclass(frozen=True, slots=True)
class RedisKeys:
    prefix: str = ""

    def events_stream(self, job_id: int) -> str:
        """Hot copy of a job's events; entry ids are ``<seq>-1`` so replay is a range read."""
        return f"{self.prefix}job:{job_id}:events"

    def updates_channel(self, job_id: int) -> str:
        """Pub/sub channel carrying each event once, as the exact JSON text clients receive."""
        return f"{self.prefix}job:{job_id}:updates"

    @property
    def updates_pattern(self) -> str:
        return f"{self.prefix}job:*:updates"

    def job_id_from_channel(self, channel: str) -> int:
        return int(channel[len(self.prefix) :].split(":", 2)[1])

    def ws_ticket(self, ticket: str) -> str:
        return f"{self.prefix}ws:ticket:{ticket}"

    def attempts(self, quota: str, subject: str) -> str:
        """Attempts counted against one quota (e.g. failed sign-ins) for one address or username."""
        return f"{self.prefix}attempts:{quota}:{subject}"

    @property
    def access_changes(self) -> str:
        """Pub/sub channel of "access changed" notices (a user's tokens revoked, a project made
        private or deleted): every API process re-checks the sockets they concern."""
        return f"{self.prefix}access:changes"

    def gateway_connections(self, process_id: str) -> str:
        """JSON list of the open sockets of one API process, for the admin view across processes."""
        return f"{self.prefix}gateway:{process_id}:connections"

    @property
    def gateway_processes(self) -> str:
        return f"{self.prefix}gateway:processes"

    @property
    def gateway_list_wanted(self) -> str:
        """Set (with a TTL) while an admin is looking: API processes publish their lists meanwhile."""
        return f"{self.prefix}gateway:list-wanted"

    @property
    def build_queue(self) -> str:
        return f"{self.prefix}build"

    @property
    def simulation_queue(self) -> str:
        return f"{self.prefix}simulation"


def stream_id(seq: int) -> str:
    return f"{seq}-1"
