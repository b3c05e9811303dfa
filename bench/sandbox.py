"""``python -m bench.sandbox [--runs N]``: what the tool sandbox costs a real job.

Runs the demo's simulation (iverilog + vvp) and its iCE40 build (yosys, nextpnr, icepack) with
the bubblewrap sandbox and without it, alternating, and prints the median wall time of each.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from importlib import resources
from pathlib import Path

from a6hub.adapters.flows import Sandbox, SourceFile, default_sandbox, run_flow
from a6hub.domain.job_config import BuildConfig, SimulationConfig
from a6hub.domain.jobs import JobType

DEMO_FILES = ("blinky.v", "blinky_tb.v", "icebreaker.pcf")


class QuietSink:
    def step_started(self, name: str) -> None:
        pass

    def step_progress(self, fraction: float) -> None:
        pass

    def log(self, text: str) -> None:
        pass

    def cancel_requested(self) -> bool:
        return False


def demo_sources() -> list[SourceFile]:
    demo = resources.files("a6hub.demo")
    return [SourceFile(name, demo.joinpath(name).read_bytes()) for name in DEMO_FILES]


def timed(job_type: JobType, config: BuildConfig | SimulationConfig, sandbox: Sandbox) -> float:
    with tempfile.TemporaryDirectory(prefix="a6hub-bench-sandbox-") as folder:
        started = time.perf_counter()
        run_flow(
            job_type,
            config,
            demo_sources(),
            Path(folder) / "job",
            QuietSink(),
            timeout_s=600,
            sandbox=sandbox,
        )
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    jobs: dict[str, tuple[JobType, BuildConfig | SimulationConfig]] = {
        "simulation (blinky_tb)": (JobType.SIMULATION, SimulationConfig(top="blinky_tb")),
        "build (blinky, ice40)": (
            JobType.BUILD,
            BuildConfig(flow="ice40", top="blinky", device="up5k", package="sg48", pcf="icebreaker.pcf"),
        ),
    }
    sandboxes = {"sandbox on": default_sandbox(), "sandbox off": Sandbox(bwrap=None)}
    print(f"| job | {' | '.join(sandboxes)} | ratio |\n|---|---:|---:|---:|")
    for name, (job_type, config) in jobs.items():
        timed(job_type, config, sandboxes["sandbox on"])  # warm caches (YoWASP modules, page cache)
        times: dict[str, list[float]] = {label: [] for label in sandboxes}
        for _ in range(runs):
            for label, sandbox in sandboxes.items():
                times[label].append(timed(job_type, config, sandbox))
        on, off = (statistics.median(times[label]) for label in sandboxes)
        print(f"| {name} | {on:.2f} s | {off:.2f} s | {on / off:.2f}× |")


if __name__ == "__main__":
    main()
