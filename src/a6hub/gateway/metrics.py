"""Prometheus metrics of the gateway (per API process)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


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
        self.events_in = Counter(
            "a6hub_ws_events_in", "Job events received from Redis", registry=self.registry
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
        self.latency = Histogram(
            "a6hub_ws_publish_to_dispatch_seconds",
            "Time from an event's timestamp to its dispatch to local sockets",
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
            registry=self.registry,
        )
