"""Exact replay: every event after ``since`` exactly once, in order, then live ones."""

from __future__ import annotations

import asyncio
import json
import random

import redis

from a6hub.adapters.db.event_store import append_events, lock_job
from a6hub.domain.events import log_event
from a6hub.domain.jobs import JobStatus
from tests.gateway.conftest import Hub
from tests.gateway.wsclient import collect_until_closed, connect, receive_json, seqs


def publish_logs(hub: Hub, job_id: int, count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        hub.lifecycle.log(job_id, f"line {number}\n")


async def test_since_replays_history_then_goes_live(hub: Hub) -> None:
    token = hub.user("ada")
    job_id = hub.job(token)
    publish_logs(hub, job_id, 30)
    async with await connect(f"{hub.ws_base}/{job_id}/updates?since=10&token={token}") as ws:
        connected = await receive_json(ws)
        assert connected["data"]["last_seq"] == 30
        replayed = [await receive_json(ws) for _ in range(20)]
        publish_logs(hub, job_id, 5, start=30)
        hub.lifecycle.finish(job_id, JobStatus.CANCELLED)
        live = await collect_until_closed(ws)
    assert seqs(replayed + live) == list(range(11, 38))
    assert [m["data"]["log_line"] for m in replayed[:2]] == ["line 10\n", "line 11\n"]


async def test_resume_at_random_points_loses_and_repeats_nothing(hub: Hub) -> None:
    token = hub.user("bob")
    job_id = hub.job(token)
    publish_logs(hub, job_id, 40)
    hub.lifecycle.finish(job_id, JobStatus.CANCELLED)
    total = 40 + 2
    rng = random.Random(7)
    for since in [*sorted(rng.sample(range(total), 6)), 0, total - 1, total]:
        async with await connect(f"{hub.ws_base}/{job_id}/updates?since={since}&token={token}") as ws:
            messages = await collect_until_closed(ws)
        assert seqs(messages) == list(range(since + 1, total + 1)), since


async def test_replay_comes_from_the_database_when_the_stream_is_gone(hub: Hub) -> None:
    token = hub.user("carol")
    job_id = hub.job(token)
    publish_logs(hub, job_id, 25)
    hub.lifecycle.finish(job_id, JobStatus.CANCELLED)
    client = redis.Redis.from_url(hub.settings.resolved_redis_url())
    client.delete(hub.settings.redis_keys.events_stream(job_id))
    client.close()
    async with await connect(f"{hub.ws_base}/{job_id}/updates?since=0&token={token}") as ws:
        messages = await collect_until_closed(ws)
    assert seqs(messages) == list(range(1, 28))


async def test_a_live_gap_is_filled_from_the_database_in_order(hub: Hub) -> None:
    token = hub.user("dave")
    job_id = hub.job(token)
    async with await connect(f"{hub.ws_base}/{job_id}/updates?token={token}") as ws:
        await receive_json(ws)
        with hub.publisher._db.session() as session:  # stored, never published: a lost pub/sub message
            append_events(session, lock_job(session, job_id), [log_event("only in the database\n")])
        hub.lifecycle.log(job_id, "published\n")
        first, second = await receive_json(ws), await receive_json(ws)
    assert (first["seq"], first["data"]["log_line"]) == (1, "only in the database\n")
    assert (second["seq"], second["data"]["log_line"]) == (2, "published\n")


async def test_resume_message_replays_on_the_same_socket(hub: Hub) -> None:
    token = hub.user("erin")
    job_id = hub.job(token)
    publish_logs(hub, job_id, 5)
    async with await connect(f"{hub.ws_base}/{job_id}/updates?since=0&token={token}") as ws:
        await receive_json(ws)
        first = [await receive_json(ws) for _ in range(5)]
        await ws.send(json.dumps({"type": "resume", "since": 3}))
        again = [await receive_json(ws) for _ in range(2)]
    assert seqs(first) == [1, 2, 3, 4, 5]
    assert seqs(again) == [4, 5]


async def test_concurrent_publishing_while_clients_connect_has_no_seam_gaps(hub: Hub) -> None:
    token = hub.user("frank")
    job_id = hub.job(token)
    total = 150

    async def publish() -> None:
        for number in range(total):
            await asyncio.to_thread(hub.lifecycle.log, job_id, f"l{number}\n")
        await asyncio.to_thread(hub.lifecycle.finish, job_id, JobStatus.CANCELLED)

    async def watch(delay: float) -> list[int]:
        await asyncio.sleep(delay)
        async with await connect(f"{hub.ws_base}/{job_id}/updates?since=0&token={token}") as ws:
            return seqs(await collect_until_closed(ws, timeout=60))

    results = await asyncio.gather(publish(), *(watch(0.02 * n) for n in range(12)))
    for received in results[1:]:
        assert received == list(range(1, total + 3))


async def test_a_long_replay_with_live_events_arriving_is_not_cut_as_slow(hub: Hub) -> None:
    token = hub.user("gina")
    job_id = hub.job(token)
    with hub.publisher._db.session() as session:  # history far longer than the 64-frame queue
        append_events(session, lock_job(session, job_id), [log_event(f"old {n}\n") for n in range(3000)])

    async def publish_live() -> None:
        for number in range(200):
            await asyncio.to_thread(hub.lifecycle.log, job_id, f"new {number}\n")
        await asyncio.to_thread(hub.lifecycle.finish, job_id, JobStatus.CANCELLED)

    async with await connect(f"{hub.ws_base}/{job_id}/updates?since=0&token={token}") as ws:
        _, messages = await asyncio.gather(publish_live(), collect_until_closed(ws, timeout=120))
        assert ws.close_code == 1000
    assert seqs(messages[1:]) == list(range(1, 3000 + 200 + 3))
