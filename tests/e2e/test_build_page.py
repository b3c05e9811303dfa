"""The whole designer path in a real browser: sign up, upload, build, watch it live, download."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
import redis
from playwright.sync_api import Page, expect

from a6hub.domain.jobs import FLOWS
from tests.e2e.hubapi import PASSWORD, api_client, new_project
from tests.e2e.ui import PROGRESS_RECORDER, assert_log_shows, progress_seen, screenshot, sign_in
from tests.jobs.conftest import DEMO, JobHub, demo_files


def expect_finished(page: Page, flow: str, status: str = "completed") -> None:
    expect(page.get_by_test_id("job-status")).to_have_text(status, timeout=90_000)
    expect(page.get_by_test_id("progress-bar")).to_have_attribute("aria-valuenow", "100")
    for step in FLOWS[flow].step_names:
        expect(page.get_by_test_id(f"step-{step}")).to_have_attribute("data-status", "completed")
    expect(page.get_by_test_id("live-indicator")).to_have_count(0)
    expect(page.get_by_test_id("polling-indicator")).to_have_count(0)
    expect(page.get_by_test_id("cancel-button")).to_have_count(0)


@pytest.mark.slow
def test_sign_up_upload_build_watch_live_and_download(hub: JobHub, page: Page) -> None:
    base = hub.base
    page.add_init_script(PROGRESS_RECORDER)

    # sign up (which signs in), sign out, sign in again
    page.goto(f"{base}/register")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Username", exact=True).fill("ada")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(f"{base}/projects")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{base}/login")
    sign_in(page, base, "ada")

    # a project, and the blinky files through the upload form
    page.get_by_label("Project name").fill("blinky-e2e")
    page.get_by_role("button", name="Create", exact=True).click()
    expect(page).to_have_url(re.compile(r"/projects/\d+$"))
    project_id = int(page.url.rsplit("/", 1)[1])
    expect(page.get_by_role("heading", name="blinky-e2e")).to_be_visible()
    page.get_by_label("Files to upload").set_input_files([DEMO / "blinky.v", DEMO / "icebreaker.pcf"])
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_test_id("file-blinky.v")).to_be_visible()
    expect(page.get_by_test_id("file-icebreaker.pcf")).to_be_visible()

    # start the build
    form = page.get_by_role("form", name="Build")
    form.get_by_label("Flow").select_option("ice40")
    form.get_by_label("Top module").fill("blinky")
    form.get_by_label("Device").select_option("up5k")
    form.get_by_label("Package").fill("sg48")
    constraints = form.get_by_label("Constraints (.pcf)")
    expect(constraints).to_have_value("icebreaker.pcf")  # the uploaded .pcf is the default
    constraints.select_option("icebreaker.pcf")
    screenshot(page, "project-page")
    form.get_by_role("button", name="Build", exact=True).click()
    expect(page).to_have_url(re.compile(r"/jobs/\d+$"))
    job_id = int(page.url.rsplit("/", 1)[1])

    # live: the indicator, then the bar moving and the log filling while the job runs
    live = page.get_by_test_id("live-indicator")
    expect(live).to_have_text("● Live")
    expect(page.get_by_test_id("log-line").first).to_be_visible(timeout=60_000)
    screenshot(page, "build-live")

    expect_finished(page, "ice40")
    seen = progress_seen(page)
    assert seen == sorted(seen) and seen[-1] == 100, f"progress went {seen}"
    assert any(0 < value < 100 for value in seen), f"the bar jumped straight to 100: {seen}"

    with api_client(base, "ada") as ada:
        job_path = f"/api/v1/projects/{project_id}/jobs/{job_id}"
        assert ada.get(job_path).json()["status"] == "completed"
        server_log = ada.get(f"{job_path}/logs").text
        artifacts = {artifact["name"]: artifact for artifact in ada.get(f"{job_path}/artifacts").json()}
    assert "[a6hub] job" in server_log
    assert_log_shows(page, server_log)

    # the page's own "download full log" saves exactly the server's log
    with page.expect_download() as log_download:
        page.get_by_test_id("download-log").click()
    assert log_download.value.suggested_filename == f"job-{job_id}.log"
    assert Path(log_download.value.path()).read_text() == server_log

    # the bitstream, through its artifact link
    bitstream = artifacts["design.bin"]
    with page.expect_download() as bin_download:
        page.get_by_test_id("artifact-design.bin").click()
    assert bin_download.value.suggested_filename == "design.bin"
    content = Path(bin_download.value.path()).read_bytes()
    assert len(content) == bitstream["size_bytes"] > 1000
    assert hashlib.sha256(content).hexdigest() == bitstream["sha256"]
    page.get_by_test_id("log-viewer").evaluate("element => { element.scrollTop = element.scrollHeight; }")
    screenshot(page, "build-finished")

    # back on the project page, the job list has the finished build
    page.get_by_role("link", name="← Project").click()
    job_row = page.locator("tr").filter(has=page.get_by_role("link", name=f"#{job_id}", exact=True))
    expect(job_row).to_contain_text("completed")
    screenshot(page, "project-jobs")


@pytest.mark.slow
def test_a_job_finished_long_ago_shows_its_full_log_and_final_state(hub: JobHub, page: Page) -> None:
    project_id = new_project(hub, demo_files("blinky.v", "blinky_tb.v"), name="finished")
    job_id = hub.start(project_id, "simulation", top="blinky_tb")["id"]
    assert hub.wait(project_id, job_id)["status"] == "completed"
    server_log = hub.log(project_id, job_id)
    assert "PASS: counter = 1000" in server_log
    # long finished: its Redis event stream has expired (STREAM_TTL_S), only the database is left
    with redis.Redis.from_url(hub.settings.resolved_redis_url()) as bus:
        assert bus.delete(hub.settings.redis_keys.events_stream(job_id)) == 1

    sockets: list[str] = []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    sign_in(page, hub.base, "designer")
    page.goto(f"{hub.base}/jobs/{job_id}")
    expect(page.get_by_role("heading", name=f"Simulation #{job_id} · blinky_tb")).to_be_visible()
    expect_finished(page, "simulation")
    assert_log_shows(page, server_log)
    expect(page.get_by_test_id("artifact-blinky_tb.vcd")).to_be_visible()
    screenshot(page, "finished-job")
    assert sockets == [], "a finished job needs no live connection"
