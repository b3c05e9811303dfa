"""The guide's own wscat line, and the operations endpoints."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.gateway.conftest import Hub

WSCAT = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / ".bin" / "wscat"


def test_the_guides_wscat_line_prints_connected(hub: Hub) -> None:
    if not WSCAT.exists():
        pytest.fail("wscat is missing: run `npm ci` in frontend/ (make test does)")
    token = hub.user("ada")
    job_id = hub.job(token)
    url = f"{hub.ws_base.replace('127.0.0.1', 'localhost')}/{job_id}/updates?token={token}"
    wscat = subprocess.Popen(
        [shutil.which("node") or "node", str(WSCAT), "-c", url, "--no-color"],
        stdin=subprocess.PIPE,  # held open: wscat quits at end of input
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert wscat.stdout is not None
        first = wscat.stdout.readline()
    finally:
        wscat.kill()
        wscat.communicate()
    message = json.loads(first.strip().lstrip("< "))
    assert message["type"] == "connected"
    assert message["data"]["job_id"] == job_id


def test_health_readiness_and_metrics(hub: Hub) -> None:
    assert httpx.get(f"{hub.base}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{hub.base}/readyz").json() == {"status": "ready", "database": "ok", "redis": "ok"}
    metrics = httpx.get(f"{hub.base}/metrics")
    assert metrics.headers["content-type"].startswith("text/plain")
    for name in (
        "a6hub_ws_open_sockets",
        "a6hub_ws_job_subscriptions",
        "a6hub_ws_events_in_total",
        "a6hub_ws_frames_out_total",
        "a6hub_ws_slow_consumer_closes_total",
        "a6hub_ws_replayed_events_total",
        "a6hub_ws_publish_to_dispatch_seconds_bucket",
    ):
        assert name in metrics.text, name
