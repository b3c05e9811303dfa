"""``python -m bench [--quick | --smoke] [--out DIR] [--only S1,B1,...]``: run the gateway benchmarks."""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import signal
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from bench import report
from bench.config import PROFILES, Profile
from bench.control import ChildError
from bench.scenarios import Bench, Row
from bench.stack import stack

HERE = Path(__file__).resolve().parent
ORDER = ("S1", "B1", "S2", "B2", "S3", "S4", "S5")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def exit_on_sigterm() -> None:
    """SIGTERM (e.g. from `timeout`) unwinds normally, so every process the bench started is stopped."""

    def handler(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


def raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


HUB_PATH = (
    "events numbered by the bench, encoded by JobEvent.encode, pushed with EventPublisher.push's "
    "commands (XADD+PUBLISH+EXPIRE), batched per 2 ms tick"
)
IN_SERVER = "generated in the server process"
ONE = "a6hub, 1 process"
BARE = "bare Starlette"


def fanout_scenarios(p: Profile, wanted: list[str]) -> dict[str, tuple[Row, dict[str, Any]]]:
    """The fan-out scenarios: each one's row and the arguments of ``Bench.fanout``."""
    hub = {"jobs": p.hub_jobs, "watchers": p.hub_watchers, "rate": p.hub_rate, "measure_s": p.measure_s}
    hot = {"jobs": 1, "watchers": p.hot_sockets, "rate": p.hot_rate, "measure_s": p.hot_measure_s}
    # S1 also finds one process's capacity, which S5 is compared with.
    s1_ramp = p.ramp_rates if "S5" in wanted else ()
    return {
        "S1": (Row("S1", "hub", ONE, HUB_PATH), {"baseline": False, "ramp": s1_ramp, **hub}),
        "B1": (Row("B1", "hub, bare baseline", BARE, IN_SERVER), {"baseline": True, **hub}),
        "S2": (
            Row("S2", "hot job", ONE, "EventPublisher.push, one call per event"),
            {"baseline": False, "mode": "publisher", **hot},
        ),
        "B2": (Row("B2", "hot job, bare baseline", BARE, IN_SERVER), {"baseline": True, **hot}),
        "S5": (
            Row("S5", "two processes", "a6hub, --workers 2", HUB_PATH),
            {"baseline": False, "workers": 2, "ramp": p.ramp_rates, **hub},
        ),
    }


def run(profile: Profile, only: set[str], keep: bool, api_source: Path | None = None) -> list[Row]:
    rows: list[Row] = []
    with stack(keep=keep, api_source=api_source) as hub:
        bench = Bench(hub, profile, log)
        log(f"stack up in {hub.root} (Redis on a unix socket, SQLite)")
        wanted = [scenario for scenario in ORDER if not only or scenario in only]
        fanouts = fanout_scenarios(profile, wanted)
        for scenario in wanted:
            log(f"{scenario} ...")
            try:
                run_scenario(bench, scenario, fanouts, rows)
            except (ChildError, RuntimeError, OSError, httpx.HTTPError) as exc:
                # A scenario that cannot finish (a slow or overloaded machine) is reported as such;
                # the others still run and the results are still written.
                failed = next((row for row in rows if row.id == scenario), None)
                if failed is None:
                    failed = Row(scenario, "", "", "")
                    rows.append(failed)
                failed.failed = f"{type(exc).__name__}: {exc}"
                log(f"  {scenario} did not finish: {failed.failed}")
    return rows


def run_scenario(
    bench: Bench, scenario: str, fanouts: dict[str, tuple[Row, dict[str, Any]]], rows: list[Row]
) -> None:
    if scenario in fanouts:
        row, arguments = fanouts[scenario]
        rows.append(row)
        steps = bench.fanout(row, **arguments)
        rows.extend(steps[1:])
        if scenario == "S5":
            compare_capacity(row, rows, steps)
    elif scenario == "S3":
        row = Row(
            "S3",
            "burst",
            ONE,
            "full worker path: run_tool → LogPump → JobLifecycle.log → EventPublisher.publish "
            "(SQLite + Redis)",
        )
        row.latency_kind = "tool print→receive (oldest line of each batch)"
        rows.append(row)
        bench.burst(row)
    elif scenario == "S4":
        row = Row("S4", "reconnect storm", ONE, HUB_PATH)
        rows.append(row)
        bench.storm(row)


def compare_capacity(row: Row, rows: list[Row], steps: list[Row]) -> None:
    """S5's throughput ratio: the highest rate two processes delivered over one process's."""
    one = max(
        (r.delivered_per_s or 0 for r in rows if r.id == "S1" or r.id.startswith("S1@")),
        default=0,
    )
    two = max((r.delivered_per_s or 0 for r in steps), default=0)
    row.extra["capacity_one_process"] = round(one)
    row.extra["capacity_two_processes"] = round(two)
    row.extra["throughput_ratio"] = round(two / one, 2) if one else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="a one-minute, scaled-down run")
    size.add_argument("--smoke", action="store_true", help="a tiny run for CI (a few hundred sockets)")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="where to write the results")
    parser.add_argument("--only", default="", help="comma-separated scenarios, e.g. S1,B1")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")
    parser.add_argument("--no-readme", action="store_true", help="do not update bench/README.md")
    parser.add_argument(
        "--hub-rate",
        type=float,
        help="events/s per job in S1, B1, S5 instead of the profile's (e.g. a load one process sustains)",
    )
    parser.add_argument(
        "--api-src",
        type=Path,
        help="run the API from this source tree (a copy of src/ at another revision), to compare",
    )
    args = parser.parse_args(argv)
    profile = PROFILES["quick" if args.quick else "smoke" if args.smoke else "full"]
    if args.hub_rate is not None:
        profile = dataclasses.replace(
            profile, name=f"{profile.name}-rate{args.hub_rate:g}", hub_rate=args.hub_rate
        )
    only = {name.strip().upper() for name in args.only.split(",") if name.strip()}
    raise_fd_limit()
    exit_on_sigterm()
    load_before = os.getloadavg()
    log(
        f"profile {profile.name}; load average {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}"
    )
    rows = run(profile, only, args.keep, args.api_src)
    env = report.environment(load_before)
    full_size = profile.name == "full"
    md_path, json_path = report.write(args.out, profile.name, rows, env, full_size)
    if full_size and not only and not args.no_readme and args.api_src is None:
        report.update_readme(HERE / "README.md", md_path.read_text())
    log(f"wrote {md_path} and {json_path}")
    print(md_path.read_text())
    clean = all(row.integrity.clean and row.failed is None for row in rows)
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
