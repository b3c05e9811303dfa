"""The scenarios: each starts its servers and clients, measures, and returns one or more rows."""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

from bench import cpus
from bench.config import Profile
from bench.control import Child, Message, call_all
from bench.measure import CpuMeter, Group, process, rss_bytes
from bench.stack import JobRef, Server, Stack
from bench.stats import Integrity, Latency

LOCAL_IPS_PER_LOADGEN = 4
# Clients and publisher yield the CPU to the server under test (ours or the baseline alike), as
# if they ran elsewhere; their CPU use is still measured and reported.
CLIENT_NICE = 5
OPEN_TIMEOUT_S = 600.0
GATEWAY_PATH = "/api/v1/ws/jobs/{job}/updates"
BASELINE_PATH = "/ws/{job}"


@dataclass
class Row:
    id: str
    name: str
    server: str
    path: str
    connections: int = 0
    rss_per_conn_kib: float | None = None
    offered_per_s: float | None = None
    delivered_per_s: float | None = None
    latency: dict[str, float] = field(default_factory=dict)
    latency_kind: str = "publish→receive"
    integrity: Integrity = field(default_factory=Integrity)
    cpu: dict[str, float] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    failed: str | None = None  # why the scenario did not finish

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "server": self.server,
            "path": self.path,
            "connections": self.connections,
            "rss_per_conn_kib": self.rss_per_conn_kib,
            "offered_per_s": self.offered_per_s,
            "delivered_per_s": self.delivered_per_s,
            "latency": self.latency,
            "latency_kind": self.latency_kind,
            "lost": self.integrity.lost,
            "duplicated": self.integrity.duplicated,
            "out_of_order": self.integrity.out_of_order,
            "sockets_checked": self.integrity.sockets_checked,
            "events_checked": self.integrity.events_checked,
            "cpu_pct": self.cpu,
            "extra": self.extra,
            "notes": self.notes,
            "failed": self.failed,
        }


class Loadgens:
    """The load-generator processes; targets are dealt out round-robin."""

    def __init__(self, count: int, log_dir: Path, index_base: int = 0) -> None:
        self.children = [
            Child(f"loadgen{n}", "bench.loadgen", log_dir / f"loadgen{index_base + n}.log", nice=CLIENT_NICE)
            for n in range(count)
        ]

    def group(self) -> list[psutil.Process]:
        return [p for child in self.children for p in process(child.pid)]

    def open(
        self,
        url: str,
        targets: list[tuple[int, int | None]],
        tokens: list[str],
        since: int | None = None,
        concurrency: int = 256,
    ) -> list[Message]:
        count = len(self.children)
        for n, child in enumerate(self.children):
            ips = [f"127.0.0.{2 + n * LOCAL_IPS_PER_LOADGEN + k}" for k in range(LOCAL_IPS_PER_LOADGEN)]
            child.send(
                cmd="open",
                url=url,
                targets=targets[n::count],
                tokens=tokens,
                since=since,
                local_ips=ips,
                concurrency=concurrency,
                timeout_s=OPEN_TIMEOUT_S,
            )
        replies = [child.recv(OPEN_TIMEOUT_S + 60) for child in self.children]
        failed = sum(int(reply["failed"]) for reply in replies)
        if failed:
            errors = [reply.get("errors") for reply in replies]
            raise RuntimeError(f"{failed} of {len(targets)} sockets could not connect: {errors}")
        return replies

    def call(self, wait_s: float, **command: Any) -> list[Message]:
        return call_all(self.children, wait_s, **command)

    def measure_on(self) -> None:
        self.call(30, cmd="measure", on=True)

    def measure_off(self) -> tuple[Latency, int, float]:
        latency = Latency()
        delivered = 0
        seconds = 0.0
        for reply in self.call(60, cmd="measure", on=False):
            latency.merge(reply["hist"])
            delivered += int(reply["delivered"])
            seconds = max(seconds, float(reply["seconds"]))
        return latency, delivered, seconds

    def integrity(self, final: dict[str, int], timeout_s: float = 60.0) -> tuple[Integrity, list[Message]]:
        replies = self.call(timeout_s + 30, cmd="integrity", final=final, timeout_s=timeout_s)
        total = Integrity()
        for reply in replies:
            total.add(reply)
            if reply.get("anomalies"):
                total.anomalies.extend(reply["anomalies"])
        return total, replies

    def stop(self) -> None:
        for child in self.children:
            with contextlib.suppress(Exception):
                child.call(30, cmd="close")
            child.stop()


class Bench:
    def __init__(self, stack: Stack, profile: Profile, log: Any) -> None:
        self.stack = stack
        self.profile = profile
        self.log = log
        self.rows: list[Row] = []
        self._loadgen_runs = 0

    # -- plumbing ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def loadgens(self) -> Iterator[Loadgens]:
        gens = Loadgens(self.profile.loadgens, self.stack.root, self._loadgen_runs * 10)
        self._loadgen_runs += 1
        try:
            yield gens
        finally:
            gens.stop()

    @contextlib.contextmanager
    def publisher(self) -> Iterator[Child]:
        child = Child("publisher", "bench.publish", self.stack.root / "publisher.log", nice=CLIENT_NICE)
        try:
            child.call(30, cmd="setup", redis_url=self.stack.redis_url, database_url=self.stack.database_url)
            yield child
        finally:
            child.stop()

    def tokens_for(
        self, jobs: list[JobRef], server: Server | None = None
    ) -> tuple[list[str], dict[int, int]]:
        """One token per user; the first user's from the real login endpoint when ``server`` is given."""
        users = sorted({job.user_id for job in jobs})
        index = {user: n for n, user in enumerate(users)}
        tokens = [self.stack.token(user) for user in users]
        if server is not None and users[0] == self.stack.users[0]:
            tokens[0] = self.stack.login(server, "bench0")
        return tokens, index

    def meter(self, server: Server, gens: Loadgens, *extra: tuple[str, Group]) -> CpuMeter:
        groups: dict[str, Group] = {
            "api": server.processes,
            "redis": lambda: process(self.stack.redis_proc.pid),
            "loadgen": gens.group,
        }
        groups.update(dict(extra))
        return CpuMeter(groups)

    def _place(self, server: Server, gens: Loadgens, pub: Child, workers: int) -> None:
        """Put the server on a core of its own, if it is one process (see ``bench.cpus``)."""
        clients = [*gens.group(), *process(pub.pid), *process(self.stack.redis_proc.pid)]
        placement = cpus.server_cpus(workers)
        if placement is None:
            cpus.place([*clients, *server.processes()], cpus.ALL)
            return
        mine, theirs = placement
        cpus.place(server.processes(), mine)
        cpus.place(clients, theirs)

    @staticmethod
    def settle_rss(server: Server) -> int:
        gc.collect()
        time.sleep(1.0)
        return rss_bytes(server.workers())

    # -- fan-out scenarios: S1, S2, S5 and the baselines B1, B2 -----------------------------------

    def fanout(
        self,
        row: Row,
        *,
        baseline: bool,
        jobs: int,
        watchers: int,
        rate: float,
        measure_s: float,
        workers: int = 1,
        ramp: tuple[float, ...] = (),
        mode: str = "pipeline",
    ) -> list[Row]:
        """``watchers`` sockets on each of ``jobs`` jobs; publish ``rate`` events/s per job; measure."""
        p = self.profile
        refs = self.stack.seed(jobs, users=min(jobs, 100))
        job_ids = [ref.job_id for ref in refs]
        name = f"{row.id.lower()}-{'baseline' if baseline else 'api'}"
        server = self.stack.start_baseline(name) if baseline else self.stack.start_api(name, workers=workers)
        rows = [row]
        try:
            with self.loadgens() as gens, self.publisher() as pub:
                self._place(server, gens, pub, workers)
                row.extra["cpus"] = cpus.describe(cpus.server_cpus(workers))
                if not baseline:
                    pub.call(30, cmd="heartbeat", jobs=job_ids)
                rss_before = self.settle_rss(server)
                tokens, token_index = self.tokens_for(refs, None if baseline else server)
                targets: list[tuple[int, int | None]] = [
                    (ref.job_id, None if baseline else token_index[ref.user_id])
                    for _ in range(watchers)
                    for ref in refs
                ]
                url = f"ws://127.0.0.1:{server.port}{BASELINE_PATH if baseline else GATEWAY_PATH}"
                started = time.monotonic()
                gens.open(url, targets, [] if baseline else tokens)
                row.extra["connect_s"] = round(time.monotonic() - started, 1)
                rss_after = self.settle_rss(server)
                row.connections = len(targets)
                row.rss_per_conn_kib = (rss_after - rss_before) / len(targets) / 1024
                row.extra["rss_mib"] = round(rss_after / 2**20, 1)
                if workers > 1:
                    row.extra["connections_per_worker"] = connections_per_worker(server)
                self.log(f"  {row.id}: {len(targets)} sockets open in {row.extra['connect_s']} s")
                self._steady(
                    row, server, gens, pub, baseline, job_ids, watchers, rate, p.warm_s, measure_s, mode
                )
                for step_rate in ramp:
                    step = Row(
                        id=f"{row.id}@{step_rate:g}",
                        name=f"{row.name}, {step_rate:g} ev/s/job",
                        server=row.server,
                        path=row.path,
                        connections=row.connections,
                    )
                    self._steady(
                        step,
                        server,
                        gens,
                        pub,
                        baseline,
                        job_ids,
                        watchers,
                        step_rate,
                        p.ramp_warm_s,
                        p.ramp_measure_s,
                        mode,
                    )
                    rows.append(step)
                    if not kept_up(step):
                        break
        finally:
            server.stop()
            self.stack.servers.remove(server)
            cpus.place(process(self.stack.redis_proc.pid), cpus.ALL)  # Redis outlives the scenario
        return rows

    def _steady(
        self,
        row: Row,
        server: Server,
        gens: Loadgens,
        pub: Child,
        baseline: bool,
        job_ids: list[int],
        watchers: int,
        rate: float,
        warm_s: float,
        measure_s: float,
        mode: str,
    ) -> None:
        extra: list[tuple[str, Group]] = [] if baseline else [("publisher", lambda: process(pub.pid))]
        meter = self.meter(server, gens, *extra)
        if baseline:
            start_baseline(server, job_ids, rate)
        else:
            pub.call(30, cmd="start", jobs=job_ids, rate=rate, mode=mode)
        time.sleep(warm_s)
        gens.measure_on()
        meter.start()
        time.sleep(measure_s)
        row.cpu = meter.stop()
        latency, delivered, seconds = gens.measure_off()
        published = stop_baseline(server) if baseline else pub.call(60, cmd="stop")
        integrity, replies = gens.integrity(published["final"], timeout_s=60)
        row.integrity = integrity
        row.latency = latency.summary()
        row.delivered_per_s = delivered / seconds if seconds else 0.0
        row.offered_per_s = float(published["rate"]) * watchers
        row.extra["publisher_behind_max_s"] = round(float(published["behind_max_s"]), 3)
        row.extra["events_published"] = int(published["published"])
        note_close_codes(row, replies)
        row.extra["open_after"] = sum(int(reply["open"]) for reply in replies)
        self.log(f"  {summary(row)}")

    # -- S3 burst ---------------------------------------------------------------------------------

    def burst(self, row: Row) -> Row:
        p = self.profile
        server = self.stack.start_api("s3-api")
        worker = Child("worker", "bench.worker", self.stack.root / "worker.log")
        idle: list[Message] = []
        watched: list[Message] = []
        try:
            worker.call(30, cmd="setup", redis_url=self.stack.redis_url, database_url=self.stack.database_url)
            run_s = p.burst_seconds * 5 + 60

            def run_tool(job_id: int) -> Message:
                """The stand-in tool's whole job, unwatched or watched; its log capped at 64 MiB."""
                return worker.call(
                    run_s,
                    cmd="run",
                    job=job_id,
                    rate=p.burst_lines_per_s,
                    seconds=p.burst_seconds,
                    cap=64 * 2**20,
                )

            for _pair in range(p.burst_pairs):
                (alone,) = self.stack.seed(1, users=1, status="pending")
                idle.append(run_tool(alone.job_id))
                (job,) = self.stack.seed(1, users=1, status="pending")
                with self.loadgens() as gens:
                    tokens, token_index = self.tokens_for([job])
                    targets: list[tuple[int, int | None]] = [
                        (job.job_id, token_index[job.user_id])
                    ] * p.burst_sockets
                    gens.open(f"ws://127.0.0.1:{server.port}{GATEWAY_PATH}", targets, tokens, since=0)
                    row.connections = len(targets)
                    gens.call(10, cmd="crc", on=True)
                    meter = self.meter(server, gens, ("worker+tool", lambda: tree(worker.pid)))
                    gens.measure_on()
                    meter.start()
                    result = run_tool(job.job_id)
                    row.cpu = meter.stop()
                    latency, delivered, seconds = gens.measure_off()
                    check = worker.call(120, cmd="verify", job=job.job_id)
                    integrity, replies = gens.integrity(
                        {str(job.job_id): int(check["last_seq"])}, timeout_s=60
                    )
                    crc_replies = gens.call(10, cmd="crc", on=False)
                    crcs = [entry for reply in crc_replies for entry in reply["crcs"]]
                    bytes_in = sum(int(reply["bytes_in"]) for reply in crc_replies)
                watched.append(result)
                row.integrity.add(
                    {
                        "lost": integrity.lost,
                        "duplicated": integrity.duplicated,
                        "out_of_order": integrity.out_of_order,
                        "sockets_checked": integrity.sockets_checked,
                        "events_checked": integrity.events_checked,
                    }
                )
                lines_ok = check["bad_lines"] == 0 and check["lines"] == result["tool"]["lines"]
                crc_ok = sum(
                    1 for _job, crc, last in crcs if crc == check["crc"] and last == check["last_seq"]
                )
                row.extra.setdefault("runs", []).append(
                    {
                        "idle": idle[-1],
                        "watched": result,
                        "lines_printed": result["tool"]["lines"],
                        "lines_stored_in_order": lines_ok,
                        "sockets_with_every_event_byte_exact": crc_ok,
                        "events": check["events"],
                    }
                )
                row.latency = latency.summary()
                row.delivered_per_s = delivered / seconds if seconds else 0.0
                row.extra["mb_per_s_to_clients"] = round(bytes_in / seconds / 1e6, 1) if seconds else 0.0
                close_codes: dict[str, int] = {}
                for reply in replies:
                    for code, n in reply["close_codes"].items():
                        close_codes[code] = close_codes.get(code, 0) + n
                row.extra["close_codes"] = close_codes
        finally:
            worker.stop()
            server.stop()
            self.stack.servers.remove(server)
        tool_idle = sum(r["tool"]["seconds"] for r in idle) / len(idle)
        tool_watched = sum(r["tool"]["seconds"] for r in watched) / len(watched)
        total_idle = sum(r["total_s"] for r in idle) / len(idle)
        total_watched = sum(r["total_s"] for r in watched) / len(watched)
        row.extra["tool_s_idle"] = round(tool_idle, 3)
        row.extra["tool_s_watched"] = round(tool_watched, 3)
        row.extra["tool_slowdown_pct"] = round(100 * (tool_watched / tool_idle - 1), 2)
        row.extra["job_s_idle"] = round(total_idle, 3)
        row.extra["job_s_watched"] = round(total_watched, 3)
        row.extra["job_slowdown_pct"] = round(100 * (total_watched / total_idle - 1), 2)
        runs = row.extra["runs"]
        row.extra["every_line_everywhere"] = all(
            run["lines_stored_in_order"] and run["sockets_with_every_event_byte_exact"] == row.connections
            for run in runs
        )
        row.offered_per_s = None
        self.log(f"  {summary(row)}; tool {tool_idle:.2f} s idle vs {tool_watched:.2f} s watched")
        return row

    # -- S4 reconnect storm -------------------------------------------------------------------------

    def storm(self, row: Row) -> Row:
        p = self.profile
        refs = self.stack.seed(p.storm_jobs, users=min(p.storm_jobs, 100))
        job_ids = [ref.job_id for ref in refs]
        server = self.stack.start_api("s4-api")
        try:
            with self.loadgens() as gens, self.publisher() as pub:
                pub.call(30, cmd="heartbeat", jobs=job_ids)
                tokens, token_index = self.tokens_for(refs)
                targets: list[tuple[int, int | None]] = [
                    (ref.job_id, token_index[ref.user_id]) for _ in range(p.storm_watchers) for ref in refs
                ]
                gens.open(f"ws://127.0.0.1:{server.port}{GATEWAY_PATH}", targets, tokens)
                row.connections = len(targets)
                meter = self.meter(server, gens, ("publisher", lambda: process(pub.pid)))
                pub.call(30, cmd="start", jobs=job_ids, rate=p.storm_rate, mode="pipeline")
                time.sleep(p.warm_s)
                gens.call(60, cmd="drop")
                time.sleep(p.storm_gap_s)
                meter.start()
                # The clients' own bound: three connection attempts of up to 60 s, then 60 s to catch up.
                replies = gens.call(300, cmd="reconnect", timeout_s=60)
                row.cpu = meter.stop()
                time.sleep(1.0)
                published = pub.call(60, cmd="stop")
                integrity, checks = gens.integrity(published["final"], timeout_s=60)
        finally:
            server.stop()
            self.stack.servers.remove(server)
        catch_up = Latency()
        connected = Latency()
        for reply in replies:
            catch_up.merge(reply["hist"])
            connected.merge(reply["connected_hist"])
        row.extra["reconnected_p50_p99_max_s"] = [
            round(connected.percentile_ms(0.5) / 1000, 2),
            round(connected.percentile_ms(0.99) / 1000, 2),
            round(connected.max_us / 1e6, 2),
        ]
        row.latency = catch_up.summary()
        row.latency_kind = "reconnect→caught up"
        row.integrity = integrity
        caught = sum(int(reply["caught_up"]) for reply in replies)
        row.extra["caught_up"] = caught
        row.extra["all_caught_up_s"] = round(catch_up.max_us / 1e6, 3) if caught == len(targets) else None
        row.extra["missed_events_per_client"] = round(p.storm_rate * p.storm_gap_s, 1)
        row.extra["reconnect_errors"] = [reply.get("errors") for reply in replies]
        row.offered_per_s = float(published["rate"]) * p.storm_watchers
        note_close_codes(row, checks)
        self.log(f"  {summary(row)}; all caught up in {row.extra['all_caught_up_s']} s")
        for anomaly in integrity.anomalies[:10]:
            self.log(f"    {anomaly}")
        return row


def note_close_codes(row: Row, replies: list[Message]) -> None:
    """Note the close codes the server sent to the load generators' sockets, if any."""
    codes: dict[str, int] = {}
    for reply in replies:
        for code, n in reply["close_codes"].items():
            codes[code] = codes.get(code, 0) + n
    if codes:
        row.notes.append(f"closed by server: {codes}")


def tree(pid: int) -> list[psutil.Process]:
    try:
        parent = psutil.Process(pid)
        return [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def connections_per_worker(server: Server) -> list[int]:
    counts = []
    for worker in server.workers():
        try:
            counts.append(
                sum(1 for c in worker.net_connections("tcp") if c.status == psutil.CONN_ESTABLISHED)
            )
        except psutil.Error:
            counts.append(-1)
    return counts


def start_baseline(server: Server, jobs: list[int], rate: float) -> None:
    httpx.post(f"{server.base}/start", json={"jobs": jobs, "rate": rate}, timeout=30).raise_for_status()


def stop_baseline(server: Server) -> Message:
    response = httpx.post(f"{server.base}/stop", timeout=60)
    response.raise_for_status()
    reply: Message = response.json()
    return reply


def kept_up(row: Row) -> bool:
    """The system kept up with the offered load: ≥ 95 % delivered, p99 within a second."""
    if not row.offered_per_s or row.delivered_per_s is None:
        return False
    p99 = row.latency.get("p99_ms", float("inf"))
    return row.delivered_per_s >= 0.95 * row.offered_per_s and p99 <= 1000


def summary(row: Row) -> str:
    lat = row.latency
    return (
        f"{row.id}: {row.connections} sockets, delivered {row.delivered_per_s or 0:,.0f}/s "
        f"(offered {row.offered_per_s or 0:,.0f}/s), p50 {lat.get('p50_ms', float('nan')):.1f} "
        f"p99 {lat.get('p99_ms', float('nan')):.1f} max {lat.get('max_ms', float('nan')):.1f} ms, "
        f"lost/dup/ooo {row.integrity.lost}/{row.integrity.duplicated}/{row.integrity.out_of_order}, "
        f"API CPU {row.cpu.get('api', float('nan')):.0f} %"
    )
