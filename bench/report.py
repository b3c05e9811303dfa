"""The results: a Markdown report and a JSON file, and the README's copy of the latest table."""

from __future__ import annotations

import json
import math
import os
import platform
import re
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import psutil

from bench.scenarios import Row

README_START = "<!-- bench:results:start -->"
README_END = "<!-- bench:results:end -->"


def environment(load_before: tuple[float, float, float]) -> dict[str, Any]:
    versions = {}
    for package in (
        "uvicorn",
        "starlette",
        "fastapi",
        "websockets",
        "picows",
        "redis",
        "uvloop",
        "httptools",
    ):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "-"
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "versions": versions,
        "redis_server": _redis_version(),
        "commit": _commit(),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "argv": sys.argv[1:],
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _redis_version() -> str:
    from a6hub.adapters.redis_server import redis_server_binary

    try:
        out = subprocess.run(
            [redis_server_binary(), "--version"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    match = re.search(r"v=(\S+)", out)
    return match.group(1) if match else out.strip()


def _commit() -> str:
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10
        )
        dirty = subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return sha.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def _num(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def _others(row: Row) -> str:
    parts = [f"{name} {value:.0f}" for name, value in row.cpu.items() if name not in ("api", "machine")]
    return ", ".join(parts)


def row_line(row: Row) -> str:
    lat = row.latency
    return (
        f"| {row.id} {row.name} | {row.server} | {row.connections:,} | {_num(row.rss_per_conn_kib)} | "
        f"{_num(row.offered_per_s, 0)} | {_num(row.delivered_per_s, 0)} | {_num(lat.get('p50_ms'))} | "
        f"{_num(lat.get('p95_ms'))} | {_num(lat.get('p99_ms'))} | {_num(lat.get('max_ms'))} | "
        f"{row.integrity.lost} / {row.integrity.duplicated} / {row.integrity.out_of_order} | "
        f"{_num(row.cpu.get('api'), 0)} | {_others(row)} | {_num(row.cpu.get('machine'), 0)} |"
    )


TABLE_HEAD = (
    "| scenario | server | sockets | RSS/socket KiB | offered/s | delivered/s | p50 ms | p95 ms | p99 ms | "
    "max ms | lost / dup / out of order | API CPU % | other CPU % | machine CPU % |\n"
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"
)


def by_id(rows: list[Row]) -> dict[str, Row]:
    return {row.id: row for row in rows}


def targets(rows: list[Row], full_size: bool) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met?) for each target of the issue that this run can judge."""
    found = by_id(rows)
    out: list[tuple[str, str, bool | None]] = []
    s1, b1, s2, b2 = found.get("S1"), found.get("B1"), found.get("S2"), found.get("B2")
    s3, s4, s5 = found.get("S3"), found.get("S4"), found.get("S5")
    if s1 is not None and s1.rss_per_conn_kib is not None:
        out.append(
            (
                "10,000 concurrent authenticated sockets at ≤ 30 KiB RSS each (S1)",
                f"{s1.connections:,} sockets, {s1.rss_per_conn_kib:.1f} KiB each",
                s1.connections >= 10_000 and s1.rss_per_conn_kib <= 30
                if full_size
                else s1.rss_per_conn_kib <= 30,
            )
        )
    if s1 is not None:
        p50, p99 = s1.latency.get("p50_ms", math.inf), s1.latency.get("p99_ms", math.inf)
        out.append(("S1 p99 ≤ 100 ms", f"{p99:.1f} ms", p99 <= 100))
        out.append(("S1 p50 ≤ 20 ms", f"{p50:.1f} ms", p50 <= 20))
    if s1 is not None and b1 is not None and s1.delivered_per_s and b1.delivered_per_s:
        ratio = s1.delivered_per_s / b1.delivered_per_s
        out.append(("S1 deliveries/s ≥ 0.7× bare baseline (B1)", f"{ratio:.2f}×", ratio >= 0.7))
    if s2 is not None and b2 is not None:
        ratio = s2.latency.get("p99_ms", math.inf) / b2.latency.get("p99_ms", math.inf)
        out.append(("S2 p99 ≤ 1.3× bare baseline's p99 (B2)", f"{ratio:.2f}×", ratio <= 1.3))
    if s3 is not None:
        every = bool(s3.extra.get("every_line_everywhere"))
        out.append(("S3 every line at every socket, in order", "yes" if every else "NO", every))
        slowdown = float(s3.extra.get("tool_slowdown_pct", math.inf))
        out.append(("S3 tool ≤ 5 % slower than unwatched", f"{slowdown:+.1f} %", slowdown <= 5))
    if s4 is not None:
        caught = s4.extra.get("all_caught_up_s")
        ok = caught is not None and caught <= 20 and s4.integrity.clean
        shown = f"{caught:.2f} s" if caught is not None else "not all caught up"
        out.append((f"S4 all {s4.connections:,} caught up ≤ 20 s, nothing lost or repeated", shown, ok))
    if s5 is not None:
        s5_ratio: float | None = s5.extra.get("throughput_ratio")
        shown = f"{s5_ratio:.2f}×" if s5_ratio is not None else "–"
        out.append(
            (
                "S5 two processes ≥ 1.3× one process's throughput",
                shown,
                None if s5_ratio is None else s5_ratio >= 1.3,
            )
        )
    clean = all(row.integrity.clean for row in rows)
    unfinished = [row.id for row in rows if row.failed]
    shown = ("yes" if clean else "NO") + (f" (did not finish: {', '.join(unfinished)})" if unfinished else "")
    out.append(("0 lost, duplicated or reordered events in every scenario", shown, clean and not unfinished))
    return out


def markdown(profile: str, rows: list[Row], env: dict[str, Any], full_size: bool) -> str:
    versions = env["versions"]
    lines = [
        f"# a6hub gateway benchmark ({profile})",
        "",
        f"{env['date']}, commit {env['commit']}. Machine: {env['cpu']}, **{env['cores']} cores shared "
        f"by everything** (API, Redis, load generator, publisher), {env['memory_gib']} GiB, "
        f"Linux {env['kernel']}, Python {env['python']}, uvicorn {versions['uvicorn']}, "
        f"starlette {versions['starlette']}, websockets {versions['websockets']}, "
        f"picows {versions['picows']} (clients), redis-server {env['redis_server']}. "
        f"Load average before: {env['load_before']}, after: {env['load_after']}.",
        "",
        "Reproduce: `make bench` (this table: `.venv/bin/python -m bench"
        + ("" if profile == "full" else f" --{profile}")
        + "`). CPU % is % of one core; 'machine' is the whole box (200 % = both cores busy).",
        "",
        TABLE_HEAD,
        *[row_line(row) for row in rows if "@" not in row.id],
        "",
        "## Targets",
        "",
        "| target | measured | met |",
        "|---|---|:-:|",
    ]
    for target, measured, met in targets(rows, full_size):
        mark = "–" if met is None else ("yes" if met else "**no**")
        lines.append(f"| {target} | {measured} | {mark} |")
    if not full_size:
        lines += ["", f"_This is the scaled-down '{profile}' run: the targets are stated for `make bench`._"]
    lines += ["", *details(rows)]
    return "\n".join(lines) + "\n"


def details(rows: list[Row]) -> list[str]:
    found = by_id(rows)
    out = ["## Details", ""]
    for row in rows:
        if "@" in row.id:
            continue
        out.append(f"- **{row.id} {row.name}** — {row.path}.")
        if row.failed:
            out.append(f"  **Did not finish**: {row.failed}.")
        for note in row.notes:
            out.append(f"  {note}.")
        extra = {k: v for k, v in row.extra.items() if k not in ("runs", "ramp")}
        if extra:
            out.append("  " + ", ".join(f"{k}: {v}" for k, v in extra.items()))
    ramps = [r for r in rows if "@" in r.id]
    if ramps:
        out += [
            "",
            "### Capacity ramp (S5's throughput comparison)",
            "",
            "Same sockets, the per-job event rate raised step by step until the system stops keeping up "
            "(< 95 % of the offered deliveries, or p99 > 1 s).",
            "",
            TABLE_HEAD,
        ]
        for base in ("S1", "S5", "B1"):
            if base in found:
                out += [row_line(r) for r in ramps if r.id.startswith(base + "@")]
    s3 = found.get("S3")
    if s3 is not None:
        out += [
            "",
            "### S3 runs",
            "",
            "| run | tool s (idle) | tool s (watched) | job s (idle) | job s (watched) | lines | events "
            "| sockets byte-exact |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for n, run in enumerate(s3.extra.get("runs", []), 1):
            idle, watched = run["idle"], run["watched"]
            out.append(
                f"| {n} | {idle['tool']['seconds']:.3f} | {watched['tool']['seconds']:.3f} | "
                f"{idle['total_s']:.3f} | {watched['total_s']:.3f} | {run['lines_printed']:,} | "
                f"{run['events']:,} | {run['sockets_with_every_event_byte_exact']} / {s3.connections} |"
            )
    return out


def write(
    out_dir: Path, profile: str, rows: list[Row], env: dict[str, Any], full_size: bool
) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    md_path = out_dir / f"{profile}.md"
    json_path = out_dir / f"{profile}.json"
    text = markdown(profile, rows, env, full_size)
    md_path.write_text(text)
    payload = {
        "profile": profile,
        "environment": env,
        "rows": [row.as_dict() for row in rows],
        "targets": [{"target": t, "measured": m, "met": ok} for t, m, ok in targets(rows, full_size)],
    }
    json_path.write_text(json.dumps(_finite(payload), indent=2, allow_nan=False) + "\n")
    return md_path, json_path


def _finite(value: Any) -> Any:
    """NaN and infinities (no samples) become null, so the file is strict JSON."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def update_readme(readme: Path, report: str) -> None:
    """Put the report between the README's result markers."""
    text = readme.read_text()
    start, end = text.find(README_START), text.find(README_END)
    if start == -1 or end == -1:
        return
    lines = []
    for line in report.replace("# a6hub gateway benchmark (", "### Latest run (", 1).splitlines():
        if line.startswith(("## ", "### ")) and not line.startswith("### Latest run"):
            line = "#### " + line.lstrip("#").lstrip()
        lines.append(line)
    body = "\n".join(lines) + "\n"
    readme.write_text(text[: start + len(README_START)] + "\n" + body + text[end:])
