"""The guide's endpoint and message formats, against a real API process."""

from __future__ import annotations

import json
import re

from a6hub.domain.events import log_event, progress_event, step_event
from a6hub.domain.fair_share import StartDecision
from a6hub.domain.jobs import JobStatus
from tests.gateway.conftest import Hub
from tests.gateway.wsclient import close_code, collect_until_closed, connect, receive_json, seqs

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


async def test_guide_token_url_gets_connected_first(hub: Hub) -> None:
    token = hub.user("ada")
    job_id = hub.job(token)
    async with await connect(f"{hub.ws_base}/{job_id}/updates?token={token}") as ws:
        connected = await receive_json(ws)
    assert connected["type"] == "connected"
    assert connected["data"] == {
        "job_id": job_id,
        "status": "pending",
        "current_step": None,
        "progress": 0,
        "completed_steps": [],
        "last_seq": 0,
    }
    assert ISO_Z.match(connected["timestamp"])
    assert "seq" not in connected


async def test_ping_pong_and_protocol_errors_never_crash_the_socket(hub: Hub) -> None:
    token = hub.user("bob")
    job_id = hub.job(token)
    async with await connect(f"{hub.ws_base}/{job_id}/updates?token={token}") as ws:
        await receive_json(ws)
        await ws.send(json.dumps({"type": "ping"}))
        pong = await receive_json(ws)
        assert pong["type"] == "pong" and ISO_Z.match(pong["timestamp"])
        for bad in (
            "not json",
            json.dumps({"type": "dance"}),
            json.dumps([1, 2]),
            json.dumps({"type": "resume", "since": -1}),
        ):
            await ws.send(bad)
            error = await receive_json(ws)
            assert error["type"] == "error" and "seq" not in error
            assert error["data"]["error_message"]
        await ws.send(b"\x00binary")
        assert (await receive_json(ws))["type"] == "error"
        await ws.send(json.dumps({"type": "ping"}))
        assert (await receive_json(ws))["type"] == "pong"


async def test_live_events_in_guide_format_then_close_1000_after_complete(hub: Hub) -> None:
    token = hub.user("carol")
    job_id = hub.job(token)
    async with await connect(f"{hub.ws_base}/{job_id}/updates?token={token}") as ws:
        await receive_json(ws)
        assert hub.lifecycle.start(job_id, "test-worker") is StartDecision.START
        hub.lifecycle.enter_step(job_id, "initialization")
        hub.lifecycle.log(job_id, "Running synthesis...\n")
        hub.lifecycle.finish(job_id, JobStatus.FAILED, error_message="Synthesis error")
        messages = await collect_until_closed(ws)
        assert ws.close_code == 1000
    types = [m["type"] for m in messages]
    assert types == ["status", "step", "progress", "log", "status", "error", "complete"]
    assert seqs(messages) == list(range(1, 8))
    by_type = {m["type"]: m for m in messages}
    assert by_type["step"]["data"] == {"step_name": "initialization", "step_label": "Initialization"}
    assert set(by_type["progress"]["data"]) == {"progress", "current_step", "completed_steps"}
    assert by_type["log"]["data"] == {"log_line": "Running synthesis...\n"}
    assert by_type["error"]["data"] == {"error_message": "Synthesis error"}
    assert by_type["complete"]["data"]["status"] == "failed"
    assert all(
        set(m) == {"type", "data", "timestamp", "seq"} and ISO_Z.match(m["timestamp"]) for m in messages
    )


async def test_finished_job_without_since_sends_connected_and_closes(hub: Hub) -> None:
    token = hub.user("dave")
    job_id = hub.job(token)
    hub.lifecycle.request_cancel(job_id)
    async with await connect(f"{hub.ws_base}/{job_id}/updates?token={token}") as ws:
        messages = await collect_until_closed(ws)
        assert ws.close_code == 1000
    assert [m["type"] for m in messages] == ["connected"]
    assert messages[0]["data"]["status"] == "cancelled"


async def test_every_guide_message_type_passes_through_unchanged(hub: Hub) -> None:
    token = hub.user("erin")
    job_id = hub.job(token)
    drafts = [
        step_event("synthesis", "Synthesis"),
        progress_event(45, "synthesis", ["a", "b"]),
        log_event("x\n"),
    ]
    published = hub.publisher.publish(job_id, *drafts)
    async with await connect(f"{hub.ws_base}/{job_id}/updates?since=0&token={token}") as ws:
        await receive_json(ws)
        received = [await receive_json(ws) for _ in published]
    assert received == [event.to_message() for event in published]


async def test_websocket_closes_for_a_private_project_job_while_rest_says_404(hub: Hub) -> None:
    owner, other = hub.user("frank"), hub.user("gina")
    job_id = hub.job(owner)
    assert hub.get(f"/api/v1/jobs/{job_id}", other).status_code == 404
    assert await close_code(f"{hub.ws_base}/{job_id}/updates?token={other}") == 4403
