"""Step progress: reported to the sink clamped, never decreasing, and not too often."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from a6hub.adapters.flows.base import FlowSink

MIN_STEP = 0.01


class StepProgress:
    """The fraction of the current step; tools' parsers call :meth:`at` with estimates."""

    def __init__(self, sink: FlowSink) -> None:
        self._sink = sink
        self._reported = 0.0

    @property
    def fraction(self) -> float:
        return self._reported

    def at(self, fraction: float) -> None:
        """Report ``fraction`` if it is at least 1% further than the last report (or is 1.0)."""
        fraction = min(max(fraction, 0.0), 1.0)
        if fraction >= self._reported + MIN_STEP or (fraction == 1.0 and self._reported < 1.0):
            self._reported = fraction
            self._sink.step_progress(fraction)


def interpolate(x: float, anchors: Sequence[tuple[float, float]]) -> float:
    """Piecewise-linear ``y`` for ``x`` through ``anchors`` (sorted by x), flat beyond the ends."""
    if x <= anchors[0][0]:
        return anchors[0][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(anchors):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return anchors[-1][1]


def approach(start: float, end: float, count: float, half: float) -> float:
    """From ``start`` towards ``end`` as ``count`` grows, halfway at ``half``; never reaching it.

    For loops whose length is not known in advance (placer and router iterations).
    """
    return start + (end - start) * count / (count + half)


class ToolWatcher:
    """Reads a tool's output: keeps its first error line and last line; subclasses add progress.

    ``error_pattern`` (multiline) matches a whole error line of the tool.
    """

    error_pattern: re.Pattern[str] | None = None

    def __init__(self, progress: StepProgress) -> None:
        self.progress = progress
        self.error_line: str | None = None
        self.last_line: str | None = None

    def feed(self, text: str) -> None:
        if self.error_line is None and self.error_pattern is not None:
            match = self.error_pattern.search(text)
            if match:
                self.error_line = match.group(0).strip()
        last = text.rstrip().rpartition("\n")[2].strip()
        if last:
            self.last_line = last
        self.parse(text)

    def parse(self, text: str) -> None:
        """Turn the tool's own progress messages in ``text`` into :attr:`progress` reports."""
