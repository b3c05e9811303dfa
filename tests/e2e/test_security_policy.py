"""The web app works under its Content-Security-Policy: nothing it loads or opens is blocked."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.designs import ENDLESS_TB
from tests.e2e.hubapi import new_project
from tests.e2e.ui import sign_in
from tests.jobs.conftest import JobHub

# Records every violation the browser reports (an init script, so nothing is added to the app).
VIOLATION_RECORDER = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.effectiveDirective} ${event.blockedURI}`);
});
"""


@pytest.mark.slow
def test_a_live_job_page_runs_under_the_policy_with_nothing_blocked(hub: JobHub, page: Page) -> None:
    project_id = new_project(hub, {"endless_tb.v": ENDLESS_TB}, name="policy")
    job_id = hub.start(project_id, "simulation", top="endless_tb", timeout_s=600)["id"]
    hub.wait_for_status(project_id, job_id, "running")
    page.add_init_script(VIOLATION_RECORDER)
    sockets: list[str] = []
    page.on("websocket", lambda socket: sockets.append(socket.url))

    sign_in(page, hub.base, "designer")
    response = page.goto(f"{hub.base}/jobs/{job_id}")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    expect(page.get_by_test_id("live-indicator")).to_be_visible()
    expect(page.get_by_test_id("log-viewer")).to_contain_text("tick", timeout=30_000)
    hub.client.post(f"/api/v1/projects/{project_id}/jobs/{job_id}/cancel").raise_for_status()
    expect(page.get_by_test_id("job-status")).to_have_text("cancelled", timeout=30_000)

    assert sockets and all(f"/api/v1/ws/jobs/{job_id}/updates" in url for url in sockets)
    assert page.evaluate("window.__violations") == []
