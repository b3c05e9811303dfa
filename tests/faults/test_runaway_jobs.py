"""A design that prints without end: the log is capped with a visible marker, and the job still ends."""

from __future__ import annotations

from pathlib import Path

import pytest

from a6hub.config import Settings
from tests.conftest import make_settings
from tests.designs import ENDLESS_TB
from tests.jobs.conftest import start_hub
from tests.jobs.test_build_jobs import assert_well_formed

CHATTY_TB = ENDLESS_TB.replace(b"if (n % 1000 == 0) ", b"")  # a line every step, without end


@pytest.mark.slow
def test_endless_output_is_capped_and_the_job_times_out(tmp_path: Path, postgres_url: str) -> None:
    cap = 200_000
    settings: Settings = make_settings(tmp_path, postgres_url, log_cap_bytes=cap)
    for hub in start_hub(settings, tmp_path, {"A6HUB_LOG_CAP_BYTES": str(cap)}):
        project = hub.project({"endless_tb.v": CHATTY_TB})
        job = hub.start(project, "simulation", top="endless_tb", timeout_s=4)
        finished = hub.wait(project, job["id"], timeout_s=120)
        assert finished["status"] == "failed"
        assert "timed out" in finished["error_message"]
        events = hub.events(project, job["id"])
        assert_well_formed(events, "failed")
        log_text = hub.log(project, job["id"])
        assert "log truncated" in log_text and "A6HUB_LOG_CAP_BYTES" in log_text
        assert cap <= len(log_text.encode()) < cap + 1000
        ticks = [line for line in log_text.splitlines() if line.startswith("tick ")]
        assert ticks == [f"tick {n}" for n in range(1, len(ticks) + 1)], "lines before the cap are all there"
