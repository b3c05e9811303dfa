"""Prometheus metrics of the gateway (per API process)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric

DISPATCH_BUCKETS_S = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class DispatchStats:
    """The per-event figures of the fan-out, kept as plain numbers and read when scraped.

    prometheus_client's ``Counter.inc`` and ``Histogram.observe`` take a lock on every call: at
    thousands of events a second that is a visible share of the event loop.
    """

    def __init__(self) -> None:
        self.events_in = 0
        self._counts = [0] * (len(DISPATCH_BUCKETS_S) + 1)
        self._sum = 0.0

    def observe_age(self, seconds: float) -> None:
        self._counts[bisect_left(DISPATCH_BUCKETS_S, seconds)] += 1
        self._sum += seconds

    def collect(self) -> Iterator[Metric]:
        yield CounterMetricFamily(
            "a6hub_ws_events_in", "Job events received from Redis", value=self.events_in
        )
        cumulative = 0
        buckets = []
        for bound, count in zip((*DISPATCH_BUCKETS_S, float("inf")), self._counts, strict=True):
            cumulative += count
            buckets.append(("+Inf" if bound == float("inf") else repr(bound), cumulative))
        yield HistogramMetricFamily(
            "a6hub_ws_publish_to_dispatch_seconds",
            "Time from an event's timestamp to its dispatch to local sockets",
            buckets=buckets,
            sum_value=self._sum,
        )


class GatewayMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.open_sockets = Gauge(
            "a6hub_ws_open_sockets", "Open WebSocket connections", registry=self.registry
        )
        self.subscriptions = Gauge(
            "a6hub_ws_job_subscriptions",
            "Redis job channels subscribed by this process",
            registry=self.registry,
        )
        self.frames_out = Counter("a6hub_ws_frames_out", "Frames sent to clients", registry=self.registry)
        self.slow_closes = Counter(
            "a6hub_ws_slow_consumer_closes",
            "Clients closed with 1013 for falling behind",
            registry=self.registry,
        )
        self.replayed = Counter(
            "a6hub_ws_replayed_events", "Events sent from history", registry=self.registry
        )
        self.db_reads = Counter(
            "a6hub_ws_history_db_reads", "History reads served by the database", registry=self.registry
        )
        self.dispatch = DispatchStats()
        self.registry.register(self.dispatch)
