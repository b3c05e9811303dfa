"""Real builds through the API, a Celery worker and Redis: events, progress, log and artifacts."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from a6hub.domain.jobs import FLOWS
from tests.jobs.conftest import JobHub, demo_files

BLINKY = {"top": "blinky", "pcf": "icebreaker.pcf", "device": "up5k", "package": "sg48", "frequency_mhz": 12}


def assert_well_formed(events: list[dict[str, Any]], final_status: str) -> None:
    """Contiguous seq from 1, exactly one complete and it is last, status/error/complete at the end."""
    assert [event["seq"] for event in events] == list(range(1, len(events) + 1))
    types = [event["type"] for event in events]
    assert types.count("complete") == 1 and types[-1] == "complete"
    assert events[-1]["data"]["status"] == final_status
    statuses = [event["data"]["status"] for event in events if event["type"] == "status"]
    assert statuses == ["running", final_status]
    if final_status == "failed":
        tail = [t for t in types if t in ("status", "error", "complete")][-3:]
        assert tail == ["status", "error", "complete"]


@pytest.mark.slow
def test_blinky_builds_for_real_with_live_progress_and_artifacts(job_hub: JobHub) -> None:
    project = job_hub.project(demo_files("blinky.v", "icebreaker.pcf"))
    job = job_hub.start(project, "build", **BLINKY)
    assert job["status"] == "pending"
    finished = job_hub.wait(project, job["id"])
    assert finished["status"] == "completed", finished["error_message"]
    events = job_hub.events(project, job["id"])
    assert_well_formed(events, "completed")

    steps = [event["data"]["step_name"] for event in events if event["type"] == "step"]
    assert steps == FLOWS["ice40"].step_names
    percents = [event["data"]["progress"] for event in events if event["type"] == "progress"]
    assert percents == sorted(percents) and percents[-1] == 100
    inside = {
        e["data"]["current_step"]
        for e in events
        if e["type"] == "progress" and 0 < e["data"]["progress"] < 100
    }
    assert {"synthesis", "place_route"} <= inside, "progress must move inside the long steps"

    log_text = "".join(event["data"]["log_line"] for event in events if event["type"] == "log")
    assert job_hub.log(project, job["id"]) == log_text
    assert "[a6hub] job" in log_text and "SB_LUT4" in log_text and "MHz" in log_text

    saved = finished["progress_data"]
    assert saved["progress_percent"] == 100 and saved["completed_steps"] == FLOWS["ice40"].step_names
    assert all(
        step["status"] == "completed" and step["started_at"] and step["finished_at"]
        for step in saved["steps"]
    )
    assert finished["last_seq"] == len(events)

    artifacts = {
        a["name"]: a
        for a in job_hub.client.get(f"/api/v1/projects/{project}/jobs/{job['id']}/artifacts").json()
    }
    assert {"design.bin", "design.json", "job.log"} <= set(artifacts)
    bitstream = job_hub.client.get(artifacts["design.bin"]["url"])
    assert (
        bitstream.status_code == 200
        and len(bitstream.content) == artifacts["design.bin"]["size_bytes"] > 1000
    )
    assert hashlib.sha256(bitstream.content).hexdigest() == artifacts["design.bin"]["sha256"]
    ranged = job_hub.client.get(artifacts["design.bin"]["url"], headers={"Range": "bytes=0-15"})
    assert ranged.status_code == 206 and ranged.content == bitstream.content[:16]
    assert ranged.headers["content-range"] == f"bytes 0-15/{len(bitstream.content)}"

    summary = job_hub.client.get(f"/api/v1/projects/{project}/jobs/{job['id']}/summary").json()
    assert summary["kind"] == "build" and summary["device"] == "up5k" and summary["package"] == "sg48"
    assert summary["utilization"]["ICESTORM_LC"]["used"] > 20 and summary["cells"]["SB_DFF"] > 20
    [clock] = summary["clocks"]
    assert clock["clock"] == "clk" and clock["target_mhz"] == 12.0 and clock["achieved_mhz"] > 12.0
    assert clock["passed"] and summary["timing_met"] and summary["errors"] == 0
    assert "summary.json" in artifacts
    assert job_hub.client.get(f"/api/v1/jobs/{job['id']}/summary").json() == summary


@pytest.mark.slow
def test_a_broken_design_fails_with_the_tools_own_message(job_hub: JobHub) -> None:
    project = job_hub.project(
        {"top.v": b"module top(input clk, output led);\n  assign led = clk +;\nendmodule\n"}
    )
    job = job_hub.start(project, "build", flow="synth", top="top")
    finished = job_hub.wait(project, job["id"])
    assert finished["status"] == "failed"
    assert "ERROR" in finished["error_message"] and "top.v" in finished["error_message"]
    events = job_hub.events(project, job["id"])
    assert_well_formed(events, "failed")
    error = next(event for event in events if event["type"] == "error")
    assert error["data"]["error_message"] == finished["error_message"]
    assert finished["error_message"] in job_hub.log(project, job["id"])
    summary = job_hub.client.get(f"/api/v1/jobs/{job['id']}/summary").json()
    assert (summary["kind"], summary["flow"], summary["cells"]) == ("build", "synth", {})
    assert summary["errors"] >= 1 and summary["sources"] == ["top.v"]


def test_log_is_readable_by_byte_offset(job_hub: JobHub) -> None:
    project = job_hub.project({"top.v": b"module top(input a, output b); assign b = ~a; endmodule\n"})
    job = job_hub.start(project, "build", flow="synth", top="top")
    job_hub.wait(project, job["id"])
    url = f"/api/v1/projects/{project}/jobs/{job['id']}/logs"
    whole = job_hub.client.get(url)
    assert whole.headers["x-more-data"] == "false"
    assert int(whole.headers["x-log-offset"]) == len(whole.content)
    middle = len(whole.content) // 2
    rest = job_hub.client.get(url, params={"offset": middle})
    assert rest.content == whole.content[middle:]
    end = job_hub.client.get(url, params={"offset": whole.headers["x-log-offset"]})
    assert end.content == b"" and end.headers["x-log-offset"] == whole.headers["x-log-offset"]


def test_bad_config_is_refused_naming_the_field(job_hub: JobHub) -> None:
    project = job_hub.project(demo_files("blinky.v", "icebreaker.pcf"))
    url = f"/api/v1/projects/{project}/jobs"
    cases = {
        "config.flow": {"flow": "xilinx", "top": "blinky"},
        "config.top": {"flow": "synth"},
        "config.pcf": {"top": "blinky", "pcf": "missing.pcf"},
        "config.device": {"top": "blinky", "device": "xc7a35t"},
        "config.files": {"top": "blinky", "files": ["nope.v"]},
        "config.package": {"top": "blinky", "package": "--help"},
    }
    for field, config in cases.items():
        response = job_hub.client.post(url, json={"job_type": "build", "config": config})
        assert response.status_code == 422, (field, response.text)
        assert response.json()["detail"].startswith(field), (field, response.json())
    no_such_top = job_hub.client.post(url, json={"job_type": "build", "config": {"top": "nothere"}})
    assert no_such_top.status_code == 422 and "nothere" in no_such_top.json()["detail"]
    bad_type = job_hub.client.post(url, json={"job_type": "deploy", "config": {}})
    assert bad_type.status_code == 422
