"""``a6hub.client`` in a script: typed REST calls and ``async for event in client.events(job_id)``."""

from __future__ import annotations

import contextlib

import pytest

from a6hub.client import (
    AuthenticationError,
    Client,
    Event,
    EventStream,
    HubUnreachable,
    InvalidRequest,
    NotFound,
)
from tests.cli.conftest import PASSWORD, USER, Hub, assert_visible
from tests.cli.proxy import Proxy
from tests.designs import ticking_tb
from tests.servers import free_port


async def _all(client: Client, job_id: int, **kwargs: object) -> list[Event]:
    return [event async for event in client.events(job_id, **kwargs)]  # type: ignore[arg-type]


@pytest.mark.slow
async def test_events_come_once_in_order_from_since_over_websocket_or_polling(cli_hub: Hub) -> None:
    with Client(cli_hub.base) as client:
        client.login(USER, PASSWORD)
        project = client.create_project("events from python")
        assert (project.name, project.slug, project.visibility) == (
            "events from python",
            "events-from-python",
            "private",
        )

        def visible() -> bool:
            try:
                return client.project(project.id).id == project.id
            except NotFound:
                return False

        assert_visible(visible)
        client.put_file(project.id, "tb.v", ticking_tb("tb", 5, work=100_000))
        job = client.simulate(project.id, "tb")
        assert job.status == "pending"

        events = await _all(client, job.id)
        assert [event.seq for event in events] == list(range(1, len(events) + 1))
        assert events[-1].type == "complete" and events[-1].data["status"] == "completed"
        assert "".join(event.log_line for event in events).encode() == client.full_log(job.id)
        assert client.job(job.id).last_seq == events[-1].seq

        assert await _all(client, job.id, since=5) == events[5:]
        assert await _all(client, job.id, since=events[-1].seq) == []
        assert await _all(client, job.id, transport="poll") == events
        assert await _all(client, job.id, since=3, transport="poll") == events[3:]
        async with contextlib.aclosing(aiter(client.events(job.id))) as stream:
            async for first in stream:
                assert first == events[0]
                break

        assert [job.id] == [found.id for found in client.jobs(project.id).items]
        assert client.project("events-from-python").id == project.id
        assert any(artifact.name == "job.log" for artifact in client.artifacts(job.id))


async def test_errors_are_typed(cli_hub: Hub) -> None:
    token = cli_hub.api.headers["Authorization"].removeprefix("Bearer ")
    with Client(cli_hub.base, token) as client:
        with pytest.raises(NotFound, match="job 999999 not found"):
            client.job(999999)
        with pytest.raises(NotFound):
            await _all(client, 999999)
        with pytest.raises(NotFound):
            await _all(client, 999999, transport="poll")
        with pytest.raises(NotFound, match="no project named 'nothing-here'"):
            client.project("nothing-here")
        with pytest.raises(InvalidRequest, match=r"no Verilog"):
            client.build(cli_hub.project({})["id"])
    with Client(cli_hub.base, "not-a-token") as client:
        with pytest.raises(AuthenticationError):
            client.me()
        with pytest.raises(AuthenticationError):
            await _all(client, 1)
        with pytest.raises(AuthenticationError, match="wrong username or password"):
            client.login(USER, "wrong password")
    with Client(f"http://127.0.0.1:{free_port()}", "token") as client, pytest.raises(HubUnreachable):
        client.me()


@pytest.mark.slow
async def test_a_silent_socket_is_replaced_and_nothing_is_lost(cli_hub: Hub) -> None:
    token = cli_hub.api.headers["Authorization"].removeprefix("Bearer ")
    project = cli_hub.project({"tb.v": ticking_tb("tb", 40)})
    job_id = cli_hub.start(project["id"], "simulation", top="tb")
    async with Proxy(cli_hub.port, stall_after_s=0.5, max_stalls=2) as proxy:
        stream = EventStream(proxy.url, token, job_id, stall_s=1.0)
        events = [event async for event in stream]
    assert [event.seq for event in events] == list(range(1, len(events) + 1))
    assert events[-1].type == "complete"
    assert "".join(event.log_line for event in events).encode() == cli_hub.log(job_id)
    assert proxy.stalls == 2 and stream.reconnects == proxy.websockets - 1 >= 2
    assert stream.mode == "websocket"
