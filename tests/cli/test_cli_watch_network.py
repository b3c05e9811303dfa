"""``a6hub watch`` when the network misbehaves: sockets cut mid-build, WebSockets refused; and on a tty."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from pathlib import Path

import pytest

from tests.cli.conftest import DEMO, Cli, Hub
from tests.cli.proxy import Proxy
from tests.designs import ticking_tb

TICKS = 30


async def _watch_through(proxy: Proxy, cli: Cli, job_id: int) -> tuple[int, bytes, str]:
    cli.extra_env["A6HUB_URL"] = proxy.url
    process = await cli.start("watch", str(job_id))
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, out, err.decode()


@pytest.mark.slow
async def test_watch_resumes_after_the_connection_is_cut_mid_build(
    signed_in: Cli, cli_hub: Hub, tmp_path: Path
) -> None:
    project = cli_hub.project({"ticking_tb.v": ticking_tb("ticking_tb", TICKS)})
    job_id = cli_hub.start(project["id"], "simulation", top="ticking_tb")
    signed_in.extra_env["A6HUB_TOKEN"] = cli_hub.api.headers["Authorization"].removeprefix("Bearer ")
    async with Proxy(cli_hub.port, cut_after_s=0.6, max_cuts=3) as proxy:
        code, out, err = await _watch_through(proxy, signed_in, job_id)

    assert code == 0, err
    assert out == cli_hub.log(job_id), "the printed log must equal GET …/logs: no line lost or repeated"
    ticks = [line for line in out.decode().splitlines() if line.startswith("tick ")]
    assert ticks == [f"tick {n}" for n in range(TICKS)]
    assert len(proxy.cuts) == 3 and proxy.websockets >= 4, proxy.forwarded
    finished = datetime.fromisoformat(cli_hub.job(job_id)["completed_at"]).timestamp()
    assert all(cut < finished for cut in proxy.cuts), "every cut happened while the job was running"
    assert err.strip().splitlines()[-1].startswith(f"job {job_id} (simulation) completed in ")


@pytest.mark.slow
async def test_watch_falls_back_to_polling_when_websockets_are_refused(signed_in: Cli, cli_hub: Hub) -> None:
    project = cli_hub.project({"ticking_tb.v": ticking_tb("ticking_tb", 10)})
    job_id = cli_hub.start(project["id"], "simulation", top="ticking_tb")
    signed_in.extra_env["A6HUB_TOKEN"] = cli_hub.api.headers["Authorization"].removeprefix("Bearer ")
    async with Proxy(cli_hub.port, refuse_websockets=True) as proxy:
        code, out, err = await _watch_through(proxy, signed_in, job_id)
    assert code == 0, err
    assert proxy.refused >= 1 and proxy.websockets == 0
    assert out == cli_hub.log(job_id)
    assert b"tick 9\n" in out


@pytest.mark.slow
def test_on_a_terminal_watch_shows_a_live_view(signed_in: Cli, cli_hub: Hub) -> None:
    files = {name: (DEMO / name).read_bytes() for name in ("blinky.v", "blinky_tb.v")}
    project = cli_hub.project(files)
    job_id = cli_hub.start(project["id"], "simulation", top="blinky_tb")
    code, text = signed_in.run_in_terminal("watch", str(job_id))
    assert code == 0, text
    assert "PASS: counter = 1000" in text
    assert f"job {job_id} simulation" in text and "100%" in text
    assert f"✓ job {job_id} (simulation) completed in " in text
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)
    assert "simulation · blinky_tb passed" in plain and "1 output line · 0 $error" in plain
    assert "simulated time 83.29 us" in plain, plain
