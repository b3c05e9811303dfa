"""Latency histograms that merge across processes, and delivery bookkeeping per socket."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

BUCKET_US = 50  # histogram resolution: 0.05 ms
BUCKETS = 1_200_000  # up to 60 s; later samples land in the last bucket (the max is kept exactly)


class Histogram:
    """Counts of latencies in 50 µs buckets; cheap to add to, exact max."""

    __slots__ = ("buckets", "count", "max_us")

    def __init__(self) -> None:
        self.buckets = [0] * BUCKETS
        self.count = 0
        self.max_us = 0

    def add(self, latency_us: int) -> None:
        index = latency_us // BUCKET_US
        if index >= BUCKETS:
            index = BUCKETS - 1
        elif index < 0:
            index = 0
        self.buckets[index] += 1
        self.count += 1
        if latency_us > self.max_us:
            self.max_us = latency_us

    def sparse(self) -> dict[str, Any]:
        return {
            "buckets": {str(i): n for i, n in enumerate(self.buckets) if n},
            "count": self.count,
            "max_us": self.max_us,
        }


@dataclass
class Latency:
    """A merged histogram, summarised as percentiles in milliseconds."""

    counts: dict[int, int] = field(default_factory=dict)
    count: int = 0
    max_us: int = 0

    def merge(self, sparse: dict[str, Any]) -> None:
        for key, n in sparse["buckets"].items():
            self.counts[int(key)] = self.counts.get(int(key), 0) + int(n)
        self.count += int(sparse["count"])
        self.max_us = max(self.max_us, int(sparse["max_us"]))

    def percentile_ms(self, fraction: float) -> float:
        if not self.count:
            return float("nan")
        rank = fraction * self.count
        seen = 0
        for index in sorted(self.counts):
            seen += self.counts[index]
            if seen >= rank:
                return min((index + 1) * BUCKET_US, self.max_us) / 1000
        return self.max_us / 1000

    def summary(self) -> dict[str, float]:
        return {
            "p50_ms": self.percentile_ms(0.50),
            "p95_ms": self.percentile_ms(0.95),
            "p99_ms": self.percentile_ms(0.99),
            "max_ms": self.max_us / 1000 if self.count else float("nan"),
            "samples": float(self.count),
        }


@dataclass
class Integrity:
    """Lost, duplicated and out-of-order job events, summed over sockets."""

    lost: int = 0
    duplicated: int = 0
    out_of_order: int = 0
    sockets_checked: int = 0
    events_checked: int = 0
    anomalies: list[str] = field(default_factory=list)  # the first few, for the log

    def add(self, other: dict[str, Any]) -> None:
        self.lost += int(other["lost"])
        self.duplicated += int(other["duplicated"])
        self.out_of_order += int(other["out_of_order"])
        self.sockets_checked += int(other["sockets_checked"])
        self.events_checked += int(other["events_checked"])

    @property
    def clean(self) -> bool:
        return self.lost == 0 and self.duplicated == 0 and self.out_of_order == 0
