"""Turning a tool's byte stream into batches of whole text lines for the sink."""

from __future__ import annotations

import time
from typing import Protocol

from a6hub.adapters.flows.base import FlowSink

MAX_LINE_BYTES = 1 << 20
# Output reaches the sink (and the watcher) in batches: at most this often, or this big.
FLUSH_INTERVAL_S = 0.05
FLUSH_BYTES = 1 << 18


class OutputWatcher(Protocol):
    """Sees every batch of whole lines a tool prints (progress parsing, error lines)."""

    def feed(self, text: str) -> None: ...


class LineBuffer:
    """Collects bytes and hands back only whole lines, decoded, one batch per call.

    A line longer than :data:`MAX_LINE_BYTES` is cut so a tool printing without newlines
    cannot make us buffer without bound.
    """

    def __init__(self) -> None:
        self._pending = bytearray()

    def feed(self, data: bytes) -> str:
        """Add ``data``; return the whole lines completed so far ("" if none)."""
        self._pending += data
        end = self._pending.rfind(b"\n")
        if end < 0:
            if len(self._pending) < MAX_LINE_BYTES:
                return ""
            return self.flush()
        complete = bytes(self._pending[: end + 1])
        del self._pending[: end + 1]
        return complete.decode("utf-8", errors="replace")

    def flush(self) -> str:
        """Return whatever is left as a final line (a newline is added), or ""."""
        if not self._pending:
            return ""
        text = self._pending.decode("utf-8", errors="replace") + "\n"
        self._pending.clear()
        return text


class OutputBatcher:
    """Gathers lines and passes them on in batches: to the watcher always, to the sink up to a budget."""

    def __init__(self, tool: str, sink: FlowSink, watcher: OutputWatcher | None, budget: int) -> None:
        self._tool, self._sink, self._watcher, self._budget = tool, sink, watcher, budget
        self._batch: list[str] = []
        self._size = 0
        self._flushed_at = time.monotonic()

    def add(self, text: str) -> None:
        if text:
            self._batch.append(text)
            self._size += len(text)
            if self._size >= FLUSH_BYTES:
                self.flush()

    def flush_if_due(self) -> None:
        if time.monotonic() - self._flushed_at >= FLUSH_INTERVAL_S:
            self.flush()

    def flush(self) -> None:
        self._flushed_at = time.monotonic()
        if not self._batch:
            return
        text = "".join(self._batch)
        self._batch.clear()
        self._size = 0
        if self._watcher is not None:
            self._watcher.feed(text)
        if self._budget <= 0:
            return
        if len(text) > self._budget:
            text = text[: text.rfind("\n", 0, self._budget) + 1]
            text += f"[a6hub] {self._tool} printed too much output; the rest is not shown.\n"
            self._budget = 0
        else:
            self._budget -= len(text)
        self._sink.log(text)
