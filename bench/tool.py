"""A stand-in EDA tool: prints numbered log lines at a steady rate, like a chatty yosys.

``python -m bench.tool RATE SECONDS REPORT`` prints RATE lines a second for SECONDS seconds,
in 1 ms batches written straight to its stdout (a pipe to the worker), each line
``L<n> t=<time_ns> <filler>`` of 64 bytes. It then writes how long that took to REPORT (JSON).
If the reader falls behind, the pipe fills and the tool is held up: that is the slowdown S3
measures.
"""

from __future__ import annotations

import json
import os
import sys
import time

LINE_BYTES = 64
BATCH_S = 0.001


def line(n: int) -> bytes:
    head = f"L{n:07d} t={time.time_ns()} "
    return (head + "x" * (LINE_BYTES - 1 - len(head)) + "\n").encode()


def main(rate: float, seconds: float, report: str) -> None:
    total = int(rate * seconds)
    out = sys.stdout.fileno()
    started = time.monotonic()
    written = 0
    late_max = 0.0
    while written < total:
        now = time.monotonic()
        due = min(total, int((now - started) * rate) + 1)
        if due > written:
            late_max = max(late_max, (due - written) / rate)
            os.write(out, b"".join(line(n) for n in range(written, due)))
            written = due
        time.sleep(BATCH_S)
    elapsed = time.monotonic() - started
    with open(report, "w") as handle:
        json.dump({"lines": total, "seconds": elapsed, "late_max_s": late_max}, handle)


if __name__ == "__main__":
    main(float(sys.argv[1]), float(sys.argv[2]), sys.argv[3])
