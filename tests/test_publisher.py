"""Publishing survives a Redis outage: retried until Redis is back, nothing lost or duplicated."""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import redis

from a6hub.adapters.bus.keys import STREAM_FIELD, RedisKeys
from a6hub.adapters.bus.lifecycle import JobLifecycle
from a6hub.adapters.bus.publisher import EventPublisher
from a6hub.adapters.db.engine import Database
from a6hub.adapters.db.event_store import read_event_payloads
from a6hub.adapters.db.jobs import create_job
from a6hub.adapters.db.projects import create_project
from a6hub.adapters.db.users import create_user
from a6hub.adapters.passwords import Passwords
from a6hub.adapters.redis_server import start_embedded_redis
from a6hub.domain.events import JobEvent
from a6hub.domain.jobs import JobType


def _job(db: Database) -> int:
    with db.session() as session:
        user = create_user(
            session, email="p@example.com", username="p", password_hash=Passwords(1).hash("password-1")
        )
        project = create_project(session, owner_id=user.id, name="p")
        return create_job(session, project, user.id, JobType.BUILD, {"flow": "synth", "top": "top"}).id


def test_events_published_while_redis_restarts_arrive_once_in_order(
    tmp_path: Path, database_url: str
) -> None:
    db = Database(database_url)
    db.migrate()
    job_id = _job(db)
    socket_path = tmp_path / "redis" / "redis.sock"
    server = start_embedded_redis(socket_path)
    restarted: list[subprocess.Popen[bytes]] = []
    client = redis.Redis(unix_socket_path=str(socket_path), socket_timeout=2, socket_connect_timeout=2)
    keys = RedisKeys()
    lifecycle = JobLifecycle(EventPublisher(db, client, keys, retry_for_s=30))
    try:
        lifecycle.log(job_id, "before the outage\n")
        server.terminate()
        server.wait()
        restarter = threading.Timer(1.5, lambda: restarted.append(start_embedded_redis(socket_path)))
        restarter.start()
        started = time.monotonic()
        lifecycle.log(job_id, "during the outage\n")
        waited = time.monotonic() - started
        restarter.join()
        lifecycle.log(job_id, "after the outage\n")

        entries = client.xrange(keys.events_stream(job_id)) or []
        in_stream = [JobEvent.decode((fields or {})[STREAM_FIELD.encode()]) for _id, fields in entries]
        with db.session() as session:
            stored = [JobEvent.decode(p) for p in read_event_payloads(session, job_id, 0, 100)]
        assert waited >= 1.0, "the publish should have waited for Redis to come back"
        assert [e.data["log_line"] for e in stored] == [
            "before the outage\n",
            "during the outage\n",
            "after the outage\n",
        ]
        assert [e.seq for e in stored] == [1, 2, 3]
        # The restarted Redis kept nothing (AOF was fresh): what it holds arrived exactly once, in order.
        assert [e.seq for e in in_stream] == sorted({e.seq for e in in_stream}) and 2 in [
            e.seq for e in in_stream
        ]
    finally:
        client.close()
        for process in [server, *restarted]:
            process.terminate()
            process.wait()
        db.dispose()
