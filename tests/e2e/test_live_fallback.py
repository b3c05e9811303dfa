"""The job socket dies mid-run: the page falls back to polling, comes back live, and loses nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, WebSocketRoute, expect

from tests.e2e.hubapi import new_project
from tests.e2e.ui import (
    assert_log_shows,
    assert_ticks_in_order,
    held_testbench,
    log_lines,
    release_job,
    screenshot,
    shown_line_count,
    sign_in,
)
from tests.jobs.conftest import JobHub

JOB_SOCKET = re.compile(r"/api/v1/ws/jobs/\d+/updates\?")


@dataclass
class SocketGate:
    """Routes the page's job sockets: through to the server, or refused while ``refusing``."""

    refusing: bool = False
    refused: int = 0
    urls: list[str] = field(default_factory=list)
    open: list[WebSocketRoute] = field(default_factory=list)

    def route(self, socket: WebSocketRoute) -> None:
        self.urls.append(socket.url)
        if self.refusing:
            self.refused += 1
            socket.close(code=1013, reason="e2e: refused")  # "try again later": recoverable
            return
        socket.connect_to_server()
        self.open.append(socket)

    def drop(self) -> None:
        """Close every routed socket from the page's side (the server side follows) and refuse new ones."""
        self.refusing = True
        for socket in self.open:
            socket.close(code=1001, reason="e2e: dropped")
        self.open.clear()

    def since(self, index: int) -> int:
        return int(parse_qs(urlparse(self.urls[index]).query)["since"][0])


def wait_for_more_lines(page: Page, than: int, timeout_ms: float = 15_000) -> None:
    page.wait_for_function(
        "n => Number(document.querySelector('.log-count').textContent.replace(/\\D/g, '')) > n",
        arg=than,
        timeout=timeout_ms,
    )


@pytest.mark.slow
def test_a_dropped_socket_falls_back_to_polling_and_recovers_without_gaps(hub: JobHub, page: Page) -> None:
    project_id = new_project(hub, {"held_tb.v": held_testbench()}, name="held")
    gate = SocketGate()
    page.route_web_socket(JOB_SOCKET, gate.route)
    polls: list[str] = []
    page.on("request", lambda request: polls.append(request.url) if "/events?" in request.url else None)
    sign_in(page, hub.base, "designer")

    job_id = hub.start(project_id, "simulation", top="held_tb", timeout_s=120)["id"]
    try:
        page.goto(f"{hub.base}/jobs/{job_id}")
        live = page.get_by_test_id("live-indicator")
        polling = page.get_by_test_id("polling-indicator")
        expect(live).to_be_visible()
        expect(page.get_by_test_id("current-step")).to_have_text("Run (vvp)", timeout=60_000)
        expect(page.get_by_test_id("log-viewer")).to_contain_text("tick 20")
        expect(page.locator(".page-header")).to_contain_text(re.compile(r"duration \d+s"))
        assert polls == [], "no polling while the socket is up"
        screenshot(page, "fallback-1-live")

        # the socket dies and cannot come back: polling takes over and the log keeps growing
        gate.drop()
        expect(polling).to_be_visible()
        expect(live).to_have_count(0)
        wait_for_more_lines(page, shown_line_count(page))
        expect(polling).to_be_visible()
        wait_for_more_lines(page, shown_line_count(page))  # a second page, two seconds later
        assert polls, "the fallback never asked GET .../events"
        assert gate.refused >= 1, "the page never tried to reconnect"
        expect(polling).to_be_visible()
        screenshot(page, "fallback-2-polling")

        # connections work again: the page goes live on its own and resumes after the last event it has
        gate.refusing = False
        expect(live).to_be_visible(timeout=20_000)
        expect(polling).to_have_count(0)
        assert gate.since(0) == 0 and gate.since(-1) > 0, gate.urls
        polled = len(polls)
        wait_for_more_lines(page, shown_line_count(page))
        screenshot(page, "fallback-3-live-again")
    finally:
        release_job(hub, project_id, job_id)  # the simulation ends, also when the test failed

    expect(page.get_by_test_id("job-status")).to_have_text("completed", timeout=60_000)
    expect(page.get_by_test_id("progress-bar")).to_have_attribute("aria-valuenow", "100")
    assert len(polls) == polled, "polling went on after the socket came back"
    server_log = hub.log(project_id, job_id)
    assert re.search(r"^released after \d+ ticks$", server_log, re.MULTILINE)
    assert_ticks_in_order(log_lines(server_log))
    assert_log_shows(page, server_log)
