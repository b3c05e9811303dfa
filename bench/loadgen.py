"""The load generator: many WebSocket clients in one process (picows on uvloop), driven by the harness.

Each client checks every job event it gets by ``seq`` (lost, duplicated, out of order) and, while
measuring, takes the publish time the publisher wrote into the event (``t=<time_ns>``) from the
receive time. Parsing is done on the raw bytes; only ``connected`` frames are decoded as JSON.
"""

from __future__ import annotations

import asyncio
import gc
import json
import time
import zlib
from collections import Counter
from typing import Any

import uvloop
from picows import WSFrame, WSListener, WSMsgType, WSTransport, ws_connect

from bench.control import Message, serve_commands
from bench.stats import BUCKET_US, BUCKETS, Histogram

SEQ_MARK = b'"seq":'
TIME_MARK = b"t="
CONNECTED_PREFIX = b'{"type":"connected"'
TEXT = WSMsgType.TEXT


class Client(WSListener):
    """One socket watching one job."""

    def __init__(self, gen: LoadGen, job: int, token: str | None, local_ip: str | None) -> None:
        self.gen = gen
        self.job = job
        self.token = token
        self.local_ip = local_ip
        self.transport: WSTransport | None = None
        self.next_seq = 0  # 0: no `connected` yet
        self.missing: set[int] | None = None
        self.close_code: int | None = None
        self.crc = 0
        self.catching_up = False
        self.caught_up_ns = 0
        self.reconnect_since: int | None = None

    def on_ws_connected(self, transport: WSTransport) -> None:
        self.transport = transport

    def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
        kind = frame.msg_type
        if kind is TEXT:
            self.gen.on_text(self, frame.get_payload_as_bytes())
        elif kind is WSMsgType.CLOSE:
            code = frame.get_close_code()
            value: object = getattr(code, "value", code)  # picows returns a plain int for 4xxx codes
            self.close_code = value if isinstance(value, int) else -1
            transport.send_close(code)
            transport.disconnect()

    def on_ws_disconnected(self, transport: WSTransport) -> None:
        self.transport = None
        self.gen.on_disconnected(self)


class LoadGen:
    def __init__(self) -> None:
        self.clients: list[Client] = []
        self.url = ""
        self.ready = 0
        self.open = 0
        self.measuring = False
        self.hist = Histogram()
        self.delivered = 0
        self.delivered_total = 0
        self.bytes_in = 0
        self.duplicated = 0
        self.out_of_order = 0
        self.control_frames = 0
        self.crc_mode = False
        self.measure_started = 0.0
        self.reconnect_t0 = 0
        self.reconnected = Histogram()
        self.caught_up = 0
        self.close_codes: Counter[int] = Counter()
        self.errors: Counter[str] = Counter()
        self.anomalies: list[str] = []

    # -- the hot path ------------------------------------------------------------------------

    def on_text(self, client: Client, data: bytes) -> None:
        now = time.time_ns()
        if data.startswith(CONNECTED_PREFIX):
            self._on_connected(client, data)
            return
        mark = data.rfind(SEQ_MARK)
        if mark < 0:
            self.control_frames += 1
            return
        seq = int(data[mark + 6 : -1])
        if seq == client.next_seq:
            client.next_seq = seq + 1
        else:
            self._anomaly(client, seq)
        self.delivered_total += 1
        if self.crc_mode:
            client.crc = zlib.crc32(data, client.crc)
            self.bytes_in += len(data)
        if self.measuring or client.catching_up:
            start = data.find(TIME_MARK)
            if start < 0:  # not a log event (status, step, complete, ...)
                return
            published = int(data[start + 2 : start + 21])
            if self.measuring:
                latency_us = (now - published) // 1000
                hist = self.hist
                index = latency_us // BUCKET_US
                hist.buckets[index if index < BUCKETS else BUCKETS - 1] += 1
                hist.count += 1
                if latency_us > hist.max_us:
                    hist.max_us = latency_us
                self.delivered += 1
            if client.catching_up and published >= self.reconnect_t0 and not client.missing:
                client.catching_up = False
                client.caught_up_ns = now
                self.caught_up += 1

    def _anomaly(self, client: Client, seq: int) -> None:
        if seq > client.next_seq:
            if len(self.anomalies) < 20:
                self.anomalies.append(f"gap job {client.job} seq {seq} next {client.next_seq}")
            missing = client.missing if client.missing is not None else set()
            missing.update(range(client.next_seq, seq))
            client.missing = missing
            client.next_seq = seq + 1
        elif client.missing and seq in client.missing:
            client.missing.discard(seq)
            self.out_of_order += 1
            if len(self.anomalies) < 20:
                self.anomalies.append(f"late job {client.job} seq {seq} next {client.next_seq}")
        else:
            self.duplicated += 1
            if len(self.anomalies) < 20:
                self.anomalies.append(
                    f"dup job {client.job} seq {seq} next {client.next_seq} since {client.reconnect_since}"
                )

    def _on_connected(self, client: Client, data: bytes) -> None:
        if client.reconnect_since is None:
            client.next_seq = int(json.loads(data)["data"]["last_seq"]) + 1
        elif client.catching_up:
            self.reconnected.add((time.time_ns() - self.reconnect_t0) // 1000)
        self.ready += 1

    def on_disconnected(self, client: Client) -> None:
        self.open -= 1
        if client.close_code is not None:
            self.close_codes[client.close_code] += 1

    # -- commands ---------------------------------------------------------------------------

    async def handle(self, command: Message) -> Message | None:
        handler = getattr(self, f"cmd_{command['cmd']}")
        reply: Message | None = await handler(command)
        return reply

    async def cmd_open(self, command: Message) -> Message:
        """Create and connect clients; wait until each has its `connected` message."""
        self.url = command["url"]
        tokens: list[str] = command.get("tokens") or []
        ips: list[str] = command.get("local_ips") or []
        since: int | None = command.get("since")
        fresh = []
        for n, (job, token_index) in enumerate(command["targets"]):
            token = tokens[token_index] if token_index is not None and tokens else None
            client = Client(self, int(job), token, ips[n % len(ips)] if ips else None)
            client.reconnect_since = since
            if since is not None:
                client.next_seq = since + 1
            fresh.append(client)
        self.clients.extend(fresh)
        started = time.monotonic()
        target_ready = self.ready + len(fresh)
        failed = await self._connect(fresh, int(command.get("concurrency", 256)), since)
        await self._wait(lambda: self.ready >= target_ready - failed, float(command.get("timeout_s", 120)))
        gc.collect()
        return {
            "opened": len(fresh) - failed,
            "failed": failed,
            "ready": self.ready,
            "seconds": time.monotonic() - started,
            "errors": dict(self.errors.most_common(5)),
        }

    async def _connect(self, clients: list[Client], concurrency: int, since: int | None) -> int:
        gate = asyncio.Semaphore(concurrency)
        failed = 0

        async def one(client: Client) -> None:
            nonlocal failed
            url = self.url.format(job=client.job)
            if since is not None:
                url += ("&" if "?" in url else "?") + f"since={since}"
            headers = {"Sec-WebSocket-Protocol": f"bearer, {client.token}"} if client.token else None
            extra: dict[str, Any] = {"local_addr": (client.local_ip, 0)} if client.local_ip else {}
            async with gate:
                for attempt in range(3):
                    try:
                        await ws_connect(
                            lambda: client,
                            url,
                            extra_headers=headers,
                            websocket_handshake_timeout=60,
                            enable_auto_pong=True,
                            **extra,
                        )
                        self.open += 1
                        return
                    except (TimeoutError, OSError, RuntimeError, ValueError) as exc:
                        self.errors[f"{type(exc).__name__}: {str(exc)[:80]}"] += 1
                        await asyncio.sleep(0.2 * (attempt + 1))
                failed += 1

        await asyncio.gather(*(one(client) for client in clients))
        return failed

    async def _wait(self, condition: Any, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.02)
        return True

    async def cmd_measure(self, command: Message) -> Message:
        if command["on"]:
            self.hist = Histogram()
            self.delivered = 0
            self.measure_started = time.monotonic()
            self.measuring = True
            return {"ok": True}
        self.measuring = False
        return {
            "hist": self.hist.sparse(),
            "delivered": self.delivered,
            "seconds": time.monotonic() - self.measure_started,
            "control_frames": self.control_frames,
        }

    async def cmd_crc(self, command: Message) -> Message:
        self.crc_mode = bool(command["on"])
        return {"crcs": [[c.job, c.crc, c.next_seq - 1] for c in self.clients], "bytes_in": self.bytes_in}

    async def cmd_integrity(self, command: Message) -> Message:
        """Wait until every client holds its job's final seq; then count what is missing."""
        final = {int(job): int(seq) for job, seq in command["final"].items()}

        def done() -> bool:
            return all(c.next_seq > final.get(c.job, 0) or c.transport is None for c in self.clients)

        drained = await self._wait(done, float(command.get("timeout_s", 30)))
        lost = 0
        events = 0
        for client in self.clients:
            last = final.get(client.job, 0)
            lost += len(client.missing or ()) + max(0, last - (client.next_seq - 1))
            events += client.next_seq - 1
        return {
            "lost": lost,
            "duplicated": self.duplicated,
            "out_of_order": self.out_of_order,
            "sockets_checked": len(self.clients),
            "events_checked": events,
            "drained": drained,
            "open": self.open,
            "close_codes": {str(k): v for k, v in self.close_codes.items()},
            "delivered_total": self.delivered_total,
            "anomalies": self.anomalies,
        }

    async def cmd_drop(self, command: Message) -> Message:
        """Every client drops its connection at once (TCP reset, no closing handshake)."""
        for client in self.clients:
            if client.transport is not None:
                client.transport.underlying_transport.abort()
        await self._wait(lambda: self.open == 0, 30)
        return {"open": self.open}

    async def cmd_reconnect(self, command: Message) -> Message:
        """Every client reconnects with ?since=<its last seq>; wait until all have caught up."""
        self.reconnect_t0 = time.time_ns()
        self.caught_up = 0
        for client in self.clients:
            client.reconnect_since = client.next_seq - 1
            client.catching_up = True
            client.caught_up_ns = 0
        groups: dict[int, list[Client]] = {}
        for client in self.clients:
            groups.setdefault(client.next_seq - 1, []).append(client)
        started = time.monotonic()
        tasks = [
            self._connect(group, int(command.get("concurrency", 100_000)), since)
            for since, group in groups.items()
        ]
        failures = sum(await asyncio.gather(*tasks))
        everyone = len(self.clients) - failures
        await self._wait(lambda: self.caught_up >= everyone, float(command.get("timeout_s", 60)))
        hist = Histogram()
        for client in self.clients:
            if client.caught_up_ns:
                hist.add((client.caught_up_ns - self.reconnect_t0) // 1000)
        return {
            "caught_up": self.caught_up,
            "clients": len(self.clients),
            "failed": failures,
            "seconds": time.monotonic() - started,
            "hist": hist.sparse(),
            "connected_hist": self.reconnected.sparse(),
            "errors": dict(self.errors.most_common(5)),
        }

    async def cmd_close(self, command: Message) -> Message:
        for client in self.clients:
            if client.transport is not None:
                client.transport.send_close()
                client.transport.disconnect()
        await self._wait(lambda: self.open <= 0, 20)
        return {"open": self.open}

    async def cmd_status(self, command: Message) -> Message:
        return {
            "open": self.open,
            "ready": self.ready,
            "clients": len(self.clients),
            "close_codes": {str(k): v for k, v in self.close_codes.items()},
            "delivered_total": self.delivered_total,
        }


async def main() -> None:
    gen = LoadGen()
    await serve_commands(gen.handle)


if __name__ == "__main__":
    uvloop.run(main())
