"""Batches tool output into log events: at most every 100 ms or 64 KiB, capped per job.

A tool printing 100k lines a second becomes ~10 events a second; past the cap the log ends
with a visible marker and the build goes on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

FLUSH_INTERVAL_S = 0.1
FLUSH_BYTES = 64 * 1024


class LogPump:
    def __init__(self, emit: Callable[[str], object], *, cap_bytes: int, already_logged: int = 0) -> None:
        self._emit = emit
        self._cap = cap_bytes
        self._logged = already_logged
        self._buffer: list[str] = []
        self._buffered = 0
        self._dropped = 0
        self._lock = threading.Lock()
        self._emit_lock = threading.Lock()
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._timer = threading.Thread(target=self._flush_periodically, name="log-pump", daemon=True)

    def __enter__(self) -> LogPump:
        self._timer.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stopped.set()
        self._wake.set()
        self._timer.join()
        self.flush()

    def write(self, text: str) -> None:
        """Queue whole lines; flushes at once when 64 KiB are waiting."""
        size = len(text.encode())
        with self._lock:
            if self._dropped or self._logged + self._buffered + size > self._cap:
                self._truncate(text, size)
            else:
                self._buffer.append(text)
                self._buffered += size
            full = self._buffered >= FLUSH_BYTES
        self._wake.set()
        if full:
            self.flush()

    def flush(self) -> None:
        with self._emit_lock:
            with self._lock:
                if not self._buffer:
                    return
                text, self._buffer = "".join(self._buffer), []
                self._logged += self._buffered
                self._buffered = 0
            self._emit(text)

    @property
    def dropped_bytes(self) -> int:
        return self._dropped

    def _truncate(self, text: str, size: int) -> None:
        if not self._dropped:
            room = self._cap - self._logged - self._buffered
            kept = _whole_lines_within(text, room)
            self._buffer.append(kept)
            self._buffered += len(kept.encode())
            self._buffer.append(
                f"[a6hub] log truncated: the job printed more than {self._cap} bytes "
                "(A6HUB_LOG_CAP_BYTES); the rest of its output is not stored\n"
            )
            size -= len(kept.encode())
        self._dropped += size

    def _flush_periodically(self) -> None:
        while not self._stopped.is_set():
            self._wake.wait()
            self._wake.clear()
            if self._stopped.wait(FLUSH_INTERVAL_S):
                return
            self.flush()


def _whole_lines_within(text: str, room: int) -> str:
    encoded = text.encode()[: max(room, 0)]
    cut = encoded.rfind(b"\n") + 1
    return encoded[:cut].decode(errors="replace")
