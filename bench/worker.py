"""S3's worker: runs a job the way the Celery task does, with the stand-in tool instead of yosys.

``JobLifecycle.start`` → ``run_tool`` (the flows' real tool runner: pipe, line batching) →
``LifecycleSink`` → ``LogPump`` (100 ms / 64 KiB batches) → ``JobLifecycle.log`` →
``EventPublisher.publish`` (SQLite transaction, then Redis XADD + PUBLISH) → ``finish``.
Afterwards it reads the job's events back from the database and checks that they carry every
line the tool printed, once and in order.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
import zlib
from pathlib import Path

import redis

from a6hub.adapters.bus.keys import RedisKeys
from a6hub.adapters.bus.lifecycle import JobLifecycle, flow_of
from a6hub.adapters.bus.publisher import EventPublisher
from a6hub.adapters.db.engine import Database
from a6hub.adapters.db.event_store import read_event_payloads
from a6hub.adapters.db.models import Job
from a6hub.adapters.flows.process import ToolLimits
from a6hub.adapters.flows.runner import Deadline, ToolCall, ToolEnvironment, run_tool
from a6hub.adapters.flows.sandbox import Sandbox
from a6hub.adapters.worker.heartbeat import JobWatch
from a6hub.adapters.worker.job_runner import LifecycleSink
from a6hub.adapters.worker.log_pump import LogPump
from a6hub.domain.events import JobEvent
from a6hub.domain.jobs import JobStatus
from bench.control import Message, serve_commands

TOOL = Path(__file__).with_name("tool.py")  # run by path: tools get a minimal environment


class Worker:
    def __init__(self) -> None:
        self.db: Database | None = None
        self.lifecycle: JobLifecycle | None = None

    async def handle(self, command: Message) -> Message:
        if command["cmd"] == "setup":
            self.db = Database(command["database_url"])
            client = redis.Redis.from_url(command["redis_url"], socket_timeout=10)
            publisher = EventPublisher(self.db, client, RedisKeys(command.get("prefix", "")))
            self.lifecycle = JobLifecycle(publisher)
            return {"ok": True}
        if command["cmd"] == "run":
            return await asyncio.to_thread(
                self.run,
                int(command["job"]),
                float(command["rate"]),
                float(command["seconds"]),
                int(command["cap"]),
            )
        raise ValueError(f"unknown command {command['cmd']!r}")

    def run(self, job_id: int, rate: float, seconds: float, cap: int) -> Message:
        assert self.db is not None and self.lifecycle is not None
        lifecycle = self.lifecycle
        with self.db.session() as session:
            job = session.get(Job, job_id)
            assert job is not None
            flow = flow_of(job)
        started = time.monotonic()
        if not lifecycle.start(job_id, "bench-worker"):
            raise RuntimeError(f"job {job_id} could not start")
        with tempfile.TemporaryDirectory(prefix="a6hub-bench-job-") as work:
            workdir = Path(work)
            report = workdir / "tool.json"
            argv = [sys.executable, str(TOOL), str(rate), str(seconds), str(report)]
            with (
                JobWatch(self.db, job_id, 5.0) as watch,
                LogPump(lambda text: lifecycle.log(job_id, text), cap_bytes=cap) as pump,
            ):
                sink = LifecycleSink(job_id, flow, lifecycle, pump, watch)
                sink.step_started(flow.steps[0].name)
                tool_started = time.monotonic()
                code = run_tool(
                    ToolCall("bench-tool", argv),
                    # The stand-in tool writes its report outside the workdir: no sandbox here.
                    tools=ToolEnvironment(workdir, ToolLimits(), Sandbox(bwrap=None)),
                    sink=sink,
                    deadline=Deadline.after(seconds * 5 + 30),
                )
                run_tool_s = time.monotonic() - tool_started
            logged_s = time.monotonic() - started
            tool = json.loads(report.read_text())
        lifecycle.finish(job_id, JobStatus.COMPLETED)
        total_s = time.monotonic() - started
        return {
            "exit": code,
            "tool": tool,
            "run_tool_s": run_tool_s,
            "logged_s": logged_s,
            "total_s": total_s,
        }

    def verify(self, job_id: int) -> Message:
        assert self.db is not None
        crc = 0
        since = 0
        expected_line = 0
        bad_lines = 0
        events = 0
        while True:
            with self.db.session() as session:
                page = read_event_payloads(session, job_id, since, 1000)
            if not page:
                break
            for payload in page:
                crc = zlib.crc32(payload.encode(), crc)
                event = JobEvent.decode(payload)
                events += 1
                since = event.seq
                if event.type != "log":
                    continue
                for text in str(event.data["log_line"]).splitlines():
                    if not text.startswith("L"):
                        continue
                    if text[1:8] != f"{expected_line:07d}":
                        bad_lines += 1
                    expected_line += 1
        return {
            "crc": crc,
            "events": events,
            "last_seq": since,
            "lines": expected_line,
            "bad_lines": bad_lines,
        }


async def main() -> None:
    worker = Worker()

    async def handle(command: Message) -> Message:
        if command["cmd"] == "verify":
            return await asyncio.to_thread(worker.verify, int(command["job"]))
        return await worker.handle(command)

    await serve_commands(handle)


if __name__ == "__main__":
    asyncio.run(main())
