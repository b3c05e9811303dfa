"""Tool output becomes few, ordered log events; past the cap a visible marker ends the log."""

from __future__ import annotations

import threading
import time

from a6hub.adapters.worker.log_pump import FLUSH_BYTES, LogPump


class Recorder:
    def __init__(self) -> None:
        self.chunks: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, text: str) -> None:
        with self.lock:
            self.chunks.append(text)


def test_a_flood_of_lines_becomes_few_events_in_order() -> None:
    recorder = Recorder()
    lines = [f"line {n}\n" for n in range(100_000)]
    with LogPump(recorder, cap_bytes=64 * 1024 * 1024) as pump:
        for line in lines:
            pump.write(line)
    assert "".join(recorder.chunks) == "".join(lines)
    assert len(recorder.chunks) <= len("".join(lines).encode()) // FLUSH_BYTES + 20
    assert all(chunk.endswith("\n") for chunk in recorder.chunks)


def test_quiet_output_is_flushed_within_a_fraction_of_a_second() -> None:
    recorder = Recorder()
    with LogPump(recorder, cap_bytes=1024) as pump:
        pump.write("first line\n")
        deadline = time.monotonic() + 2
        while not recorder.chunks and time.monotonic() < deadline:
            time.sleep(0.01)
        assert recorder.chunks == ["first line\n"]


def test_the_cap_keeps_whole_lines_and_ends_with_a_visible_marker() -> None:
    recorder = Recorder()
    with LogPump(recorder, cap_bytes=100) as pump:
        for n in range(50):
            pump.write(f"output line {n:02d}\n")
    text = "".join(recorder.chunks)
    kept, marker = text.rsplit("\n", 2)[0] + "\n", text.splitlines()[-1]
    assert kept.splitlines() == [f"output line {n:02d}" for n in range(len(kept.splitlines()))]
    assert len(kept.encode()) <= 100
    assert "log truncated" in marker and "A6HUB_LOG_CAP_BYTES" in marker
    assert pump.dropped_bytes == 50 * len("output line 00\n") - len(kept.encode())
