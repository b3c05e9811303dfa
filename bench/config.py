"""The three sizes of a run: full (`make bench`), quick (`make bench-quick`), smoke (CI)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    loadgens: int
    # S1 'hub' (and B1, S5): sockets = jobs * watchers, each job `rate` events/s
    hub_jobs: int
    hub_watchers: int
    hub_rate: float
    warm_s: float
    measure_s: float
    # S2 'hot job' (and B2)
    hot_sockets: int
    hot_rate: float
    hot_measure_s: float
    # S3 'burst'
    burst_sockets: int
    burst_lines_per_s: float
    burst_seconds: float
    burst_pairs: int  # idle/watched run pairs, alternated
    # S4 'reconnect storm'
    storm_jobs: int
    storm_watchers: int
    storm_rate: float
    storm_gap_s: float
    # S5 'two processes' capacity ramp: events/s per job, one step each
    ramp_rates: tuple[float, ...]
    ramp_warm_s: float
    ramp_measure_s: float

    @property
    def hub_sockets(self) -> int:
        return self.hub_jobs * self.hub_watchers

    @property
    def storm_sockets(self) -> int:
        return self.storm_jobs * self.storm_watchers


FULL = Profile(
    name="full",
    loadgens=2,
    hub_jobs=1000,
    hub_watchers=10,
    hub_rate=5.0,
    warm_s=3.0,
    measure_s=15.0,
    hot_sockets=10_000,
    hot_rate=1.0,
    hot_measure_s=15.0,
    burst_sockets=100,
    burst_lines_per_s=20_000,
    burst_seconds=10.0,
    burst_pairs=2,
    storm_jobs=500,
    storm_watchers=10,
    storm_rate=5.0,
    storm_gap_s=3.0,
    ramp_rates=(10.0, 15.0, 20.0, 30.0, 40.0),
    ramp_warm_s=2.0,
    ramp_measure_s=5.0,
)

QUICK = Profile(
    name="quick",
    loadgens=2,
    hub_jobs=200,
    hub_watchers=10,
    hub_rate=5.0,
    warm_s=1.0,
    measure_s=3.0,
    hot_sockets=2000,
    hot_rate=1.0,
    hot_measure_s=3.0,
    burst_sockets=100,
    burst_lines_per_s=20_000,
    burst_seconds=2.0,
    burst_pairs=1,
    storm_jobs=100,
    storm_watchers=10,
    storm_rate=5.0,
    storm_gap_s=2.0,
    ramp_rates=(25.0,),
    ramp_warm_s=1.0,
    ramp_measure_s=2.0,
)

SMOKE = Profile(
    name="smoke",
    loadgens=1,
    hub_jobs=30,
    hub_watchers=10,
    hub_rate=5.0,
    warm_s=0.5,
    measure_s=1.5,
    hot_sockets=200,
    hot_rate=2.0,
    hot_measure_s=1.5,
    burst_sockets=10,
    burst_lines_per_s=2000,
    burst_seconds=1.0,
    burst_pairs=1,
    storm_jobs=20,
    storm_watchers=10,
    storm_rate=5.0,
    storm_gap_s=1.0,
    ramp_rates=(),
    ramp_warm_s=0.5,
    ramp_measure_s=1.0,
)

PROFILES = {profile.name: profile for profile in (FULL, QUICK, SMOKE)}
