"""The admin page: every open job socket, with its user and job."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from a6hub.adapters.db.engine import Database
from a6hub.adapters.db.models import User
from tests.e2e.conftest import ContextFactory
from tests.e2e.hubapi import new_project, register
from tests.e2e.ui import held_testbench, release_job, screenshot, sign_in
from tests.jobs.conftest import JobHub


def make_admin(hub: JobHub, username: str) -> None:
    """The demo-style admin: no API for it, so straight in the database."""
    database = Database(hub.settings.database_url)
    try:
        with database.session() as session:
            session.execute(update(User).where(User.username == username).values(is_admin=True))
            assert session.scalar(select(User.is_admin).where(User.username == username)), username
    finally:
        database.dispose()


@pytest.mark.slow
def test_the_admin_page_lists_the_open_job_connections(hub: JobHub, new_context: ContextFactory) -> None:
    project_id = new_project(hub, {"held_tb.v": held_testbench()}, name="watched")
    job_id = hub.start(project_id, "simulation", top="held_tb", timeout_s=120)["id"]
    try:
        watcher = new_context().new_page()
        sign_in(watcher, hub.base, "designer")
        watcher.goto(f"{hub.base}/jobs/{job_id}")
        expect(watcher.get_by_test_id("live-indicator")).to_be_visible()
        expect(watcher.get_by_role("link", name="Admin")).to_have_count(0)

        register(hub.client, "root")
        make_admin(hub, "root")
        admin = new_context().new_page()
        sign_in(admin, hub.base, "root")
        admin.get_by_role("link", name="Admin", exact=True).click()
        expect(admin).to_have_url(f"{hub.base}/admin")
        expect(admin.get_by_role("heading", name="Live connections")).to_be_visible()
        row = admin.get_by_test_id("connections-table").locator("tbody tr")
        # the gateway publishes its sockets every 2 s, the page reloads the list every 5 s
        expect(row).to_have_count(1, timeout=20_000)
        # the server lists user ids (not names) today: the page shows "user #<id>" then
        designer_id = hub.client.get("/api/v1/auth/me").json()["id"]
        expect(row.get_by_role("cell").nth(1)).to_have_text(re.compile(rf"^(designer|user #{designer_id})$"))
        expect(row.get_by_role("link", name=f"#{job_id}", exact=True)).to_have_attribute(
            "href", f"/jobs/{job_id}"
        )
        # and the list keeps itself fresh: the socket's last sent seq moves as the job runs
        expect(row.get_by_role("cell").nth(6)).not_to_have_text("0", timeout=20_000)
        screenshot(admin, "admin-connections")
    finally:
        release_job(hub, project_id, job_id)
    assert hub.wait(project_id, job_id, timeout_s=60)["status"] == "completed"
