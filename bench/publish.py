"""The event publisher for the high-rate scenarios: numbered log events pushed into Redis.

Each event is a real ``JobEvent`` (``JobEvent.encode``); its ``log_line`` starts with
``t=<time_ns>``, the moment the event was due by the schedule, so clients can compute
publish→receive latency (a publisher falling behind its schedule counts as latency too).
Two modes: ``publisher`` calls ``EventPublisher.push`` once per event (the Redis half of the
real publisher), ``pipeline`` sends the very same commands (XADD with id ``<seq>-1`` and
MAXLEN~, PUBLISH, EXPIRE) for all events due in one tick as one pipeline, packed by the bench
itself, so that the publisher needs little of the two shared cores (redis-py spends ~40 µs of
CPU per event packing and parsing). Events are spread evenly over time
and over jobs. It also beats the jobs' heartbeats every 5 s, as their worker would, so the
API's reaper leaves them running.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

import redis
from sqlalchemy import update

from a6hub.adapters.bus.keys import STREAM_FIELD, RedisKeys, stream_id
from a6hub.adapters.bus.publisher import STREAM_TTL_S, EventPublisher
from a6hub.adapters.db.engine import Database
from a6hub.adapters.db.models import Job
from a6hub.domain.events import JobEvent, utc_timestamp
from bench.control import Message, serve_commands

TICK_S = 0.002
HEARTBEAT_S = 5.0
STREAM_MAXLEN = 10_000
FILLER = "ABC: Executing ABC (bench filler text of a realistic yosys log line)"


def log_line(job_id: int, seq: int, due_ns: int) -> str:
    """A log line stamped with the moment its event was due (``t=<time_ns>``)."""
    return f"t={due_ns} job={job_id} seq={seq} {FILLER}\n"


class Schedule:
    """``rate`` events/s for each of ``jobs``, spread evenly: event k is due at start + k/total rate."""

    def __init__(self, jobs: list[int], rate: float) -> None:
        self.jobs = jobs
        self.total_rate = rate * len(jobs)
        self.started = time.monotonic()
        self.started_ns = time.time_ns()
        self.next = 0

    def due(self) -> list[tuple[int, int]]:
        """The (job, due time in ns) of every event due by now and not yet taken."""
        target = int((time.monotonic() - self.started) * self.total_rate) + 1
        first, self.next = self.next, max(self.next, target)
        step_ns = 1e9 / self.total_rate
        return [
            (self.jobs[k % len(self.jobs)], self.started_ns + int(k * step_ns))
            for k in range(first, self.next)
        ]

    def behind_s(self) -> float:
        """How far the oldest event not yet taken is behind its due time."""
        return max(0.0, time.monotonic() - self.started - self.next / self.total_rate)


class Run:
    """One publishing run in a thread: ``rate`` events/s for each job until stopped."""

    def __init__(self, pub: Publisher, jobs: list[int], rate: float, mode: str, limit_s: float) -> None:
        self.pub, self.jobs, self.rate, self.mode, self.limit_s = pub, jobs, rate, mode, limit_s
        self.stop = threading.Event()
        self.published = 0
        self.behind_max_s = 0.0
        self.seconds = 0.0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.failure: str | None = None

    def _run(self) -> None:
        try:
            self._publish()
        except Exception as exc:
            self.failure = f"{type(exc).__name__}: {exc}"

    def _publish(self) -> None:
        schedule = Schedule(self.jobs, self.rate)
        while not self.stop.is_set() and time.monotonic() - schedule.started < self.limit_s:
            batch = schedule.due()
            if batch:
                if batch[0][1] < time.time_ns() - 1e6:
                    self.behind_max_s = max(self.behind_max_s, (time.time_ns() - batch[0][1]) / 1e9)
                self.pub.push_batch(batch, self.mode)
                self.published += len(batch)
            time.sleep(TICK_S)
        self.seconds = time.monotonic() - schedule.started


MAXLEN_BYTES = str(STREAM_MAXLEN).encode()
TTL_BYTES = str(STREAM_TTL_S).encode()
FIELD = STREAM_FIELD.encode()


def resp_command(*args: bytes) -> bytes:
    """One Redis command in the protocol's wire format."""
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        parts.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
    return b"".join(parts)


class RespPipe:
    """A bare Redis connection for pipelines: send packed commands, read and check the replies."""

    def __init__(self, url: str) -> None:
        if url.startswith("unix://"):
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.connect(url.removeprefix("unix://"))
        else:
            parts = urlsplit(url)
            self.sock = socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379))
        self.buffer = b""

    def execute(self, packed: bytes, replies: int) -> None:
        self.sock.sendall(packed)
        position = 0
        while replies:
            end = self.buffer.find(b"\r\n", position)
            if end == -1:
                position = self._read_more(position)
                continue
            kind = self.buffer[position : position + 1]
            if kind == b"-":
                raise RuntimeError(self.buffer[position + 1 : end].decode())
            if kind == b"$":
                size = int(self.buffer[position + 1 : end])
                if size >= 0:
                    if len(self.buffer) < end + 2 + size + 2:
                        position = self._read_more(position)
                        continue
                    end += size + 2
            position = end + 2
            replies -= 1
        self.buffer = self.buffer[position:]

    def _read_more(self, position: int) -> int:
        """Drop what has been parsed, append what Redis sent next; the new parse position (0)."""
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise ConnectionError("Redis closed the connection")
        self.buffer = self.buffer[position:] + chunk
        return 0


class Publisher:
    def __init__(self) -> None:
        self.keys = RedisKeys()
        self.redis: redis.Redis | None = None
        self.resp: RespPipe | None = None
        self.db: Database | None = None
        self.publisher: EventPublisher | None = None
        self.seqs: dict[int, int] = {}
        self.names: dict[int, tuple[bytes, bytes]] = {}
        self.run: Run | None = None
        self.beat_jobs: list[int] = []
        self.beater: asyncio.Task[None] | None = None

    async def handle(self, command: Message) -> Message:
        handler = getattr(self, f"cmd_{command['cmd']}")
        reply: Message = await handler(command)
        return reply

    async def cmd_setup(self, command: Message) -> Message:
        self.keys = RedisKeys(command.get("prefix", ""))
        self.names.clear()
        self.redis = redis.Redis.from_url(command["redis_url"], socket_timeout=10)
        self.resp = RespPipe(command["redis_url"])
        self.db = Database(command["database_url"])
        self.publisher = EventPublisher(self.db, self.redis, self.keys, stream_maxlen=STREAM_MAXLEN)
        return {"ok": True}

    async def cmd_start(self, command: Message) -> Message:
        jobs = [int(job) for job in command["jobs"]]
        for job in jobs:
            self.seqs.setdefault(job, int(command.get("first_seq", 0)))
        self.beat_jobs = sorted(set(self.beat_jobs) | set(jobs))
        self.run = Run(
            self, jobs, float(command["rate"]), command["mode"], float(command.get("limit_s", 600))
        )
        self.run.thread.start()
        return {"ok": True}

    async def cmd_stop(self, command: Message) -> Message:
        run = self.run
        assert run is not None
        run.stop.set()
        await asyncio.to_thread(run.thread.join, 30)
        if run.failure:
            raise RuntimeError(run.failure)
        return {
            "final": {str(job): self.seqs[job] for job in run.jobs},
            "published": run.published,
            "seconds": run.seconds,
            "rate": run.published / run.seconds if run.seconds else 0.0,
            "behind_max_s": run.behind_max_s,
        }

    async def cmd_heartbeat(self, command: Message) -> Message:
        """Beat the jobs' heartbeats every few seconds from now on, as their worker would."""
        self.beat_jobs = sorted(set(self.beat_jobs) | {int(job) for job in command["jobs"]})
        self.beat()
        if self.beater is None:
            self.beater = asyncio.create_task(self._beat_forever())
        return {"ok": True}

    async def _beat_forever(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_S)
            await asyncio.to_thread(self.beat)

    def beat(self) -> None:
        if self.db is None or not self.beat_jobs:
            return
        with self.db.session() as session:
            session.execute(
                update(Job).where(Job.id.in_(self.beat_jobs)).values(heartbeat_at=datetime.now(UTC))
            )

    def push_batch(self, batch: list[tuple[int, int]], mode: str) -> None:
        if mode == "publisher":
            assert self.publisher is not None
            for job, due_ns in batch:
                self.publisher.push(job, [self._event(job, due_ns)])
            return
        assert self.resp is not None
        commands: list[bytes] = []
        streams = set()
        stamp = utc_timestamp()  # millisecond precision: one per 2 ms tick
        for job, due_ns in batch:
            event = self._event(job, due_ns, stamp)
            payload = event.encode().encode()
            stream, channel = self._names(job)
            commands.append(
                resp_command(
                    b"XADD",
                    stream,
                    b"MAXLEN",
                    b"~",
                    MAXLEN_BYTES,
                    stream_id(event.seq).encode(),
                    FIELD,
                    payload,
                )
            )
            commands.append(resp_command(b"PUBLISH", channel, payload))
            streams.add(stream)
        for stream in streams:
            commands.append(resp_command(b"EXPIRE", stream, TTL_BYTES))
        self.resp.execute(b"".join(commands), len(commands))

    def _event(self, job: int, due_ns: int, stamp: str | None = None) -> JobEvent:
        seq = self.seqs[job] = self.seqs[job] + 1
        return JobEvent(
            seq=seq,
            type="log",
            data={"log_line": log_line(job, seq, due_ns)},
            timestamp=stamp or utc_timestamp(),
        )

    def _names(self, job: int) -> tuple[bytes, bytes]:
        """The job's stream key and pub/sub channel, as bytes (computed once per job)."""
        names = self.names.get(job)
        if names is None:
            names = (self.keys.events_stream(job).encode(), self.keys.updates_channel(job).encode())
            self.names[job] = names
        return names


async def main() -> None:
    publisher = Publisher()
    await serve_commands(publisher.handle)


if __name__ == "__main__":
    asyncio.run(main())
