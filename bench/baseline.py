"""The bare baseline: a plain Starlette WebSocket broadcast loop (no auth, no Redis, no seq logic).

Clients connect to ``/ws/{job}`` and get a ``connected`` message; ``POST /start`` makes the
server generate log events at the given rate per job — the same JSON shape and size as the
gateway's events, stamped ``t=<time_ns>`` with the moment each was due, and a per-job counter
the clients use for their bookkeeping — and send each one with ``await ws.send_text`` to every
socket of its job, one after the other. ``POST /stop`` stops and returns the counters. Run with
the same uvicorn as ``a6hub api`` (uvloop, httptools, websockets-sansio).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from a6hub.domain.events import JobEvent, utc_timestamp
from bench.publish import TICK_S, Schedule, log_line

rooms: dict[int, set[WebSocket]] = {}
seqs: dict[int, int] = {}
state: dict[str, Any] = {"task": None, "published": 0, "seconds": 0.0, "behind_max_s": 0.0}
YIELD_EVERY = 100  # events sent between turns of the event loop


async def watch(websocket: WebSocket) -> None:
    job = int(websocket.path_params["job"])
    await websocket.accept()
    connected = {"type": "connected", "data": {"job_id": job, "last_seq": seqs.get(job, 0)}}
    await websocket.send_text(json.dumps(connected, separators=(",", ":")))
    room = rooms.setdefault(job, set())
    room.add(websocket)
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
    finally:
        room.discard(websocket)


async def broadcast(jobs: list[int], rate: float, limit_s: float) -> None:
    schedule = Schedule(jobs, rate)
    try:
        while time.monotonic() - schedule.started < limit_s:
            batch = schedule.due()
            if batch and batch[0][1] < time.time_ns() - 1e6:
                state["behind_max_s"] = max(state["behind_max_s"], (time.time_ns() - batch[0][1]) / 1e9)
            for n, (job, due_ns) in enumerate(batch, 1):
                if n % YIELD_EVERY == 0:
                    await asyncio.sleep(0)  # far behind, a batch is long: let /stop be answered
                seq = seqs[job] = seqs.get(job, 0) + 1
                event = JobEvent(seq, "log", {"log_line": log_line(job, seq, due_ns)}, utc_timestamp())
                payload = event.encode()
                for websocket in list(rooms.get(job, ())):
                    try:
                        await websocket.send_text(payload)
                    except Exception:
                        rooms[job].discard(websocket)
                state["published"] += 1
            await asyncio.sleep(TICK_S)
    finally:
        state["seconds"] = time.monotonic() - schedule.started


async def start(request: Request) -> JSONResponse:
    body = await request.json()
    jobs = [int(job) for job in body["jobs"]]
    for job in jobs:
        seqs.setdefault(job, 0)
    state.update(published=0, seconds=0.0, behind_max_s=0.0)
    state["jobs"] = jobs
    state["task"] = asyncio.create_task(broadcast(jobs, float(body["rate"]), float(body.get("limit_s", 600))))
    return JSONResponse({"ok": True})


async def stop(request: Request) -> JSONResponse:
    task: asyncio.Task[None] | None = state["task"]
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    published = int(state["published"])
    seconds = float(state["seconds"]) or 1.0
    return JSONResponse(
        {
            "final": {str(job): seqs[job] for job in state.get("jobs", [])},
            "published": published,
            "seconds": seconds,
            "rate": published / seconds,
            "behind_max_s": state["behind_max_s"],
        }
    )


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


app = Starlette(
    routes=[
        WebSocketRoute("/ws/{job:int}", watch),
        Route("/start", start, methods=["POST"]),
        Route("/stop", stop, methods=["POST"]),
        Route("/healthz", healthz),
    ]
)


if __name__ == "__main__":
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=int(sys.argv[1]),
        ws_ping_interval=20.0,
        ws_ping_timeout=20.0,
        ws_max_size=4096,
        log_level="warning",
    )
