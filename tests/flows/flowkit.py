"""A sink that records everything a flow reports, and small designs to run through real tools."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from a6hub.adapters.flows import SourceFile

BLINKY = b"""\
module blinky(input clk, output led_r, output led_g, output led_b);
  reg [25:0] counter = 0;
  always @(posedge clk) counter <= counter + 1;
  assign led_r = counter[23];
  assign led_g = counter[24];
  assign led_b = counter[25];
endmodule
"""

# iCEBreaker (iCE40UP5K-SG48): 12 MHz clock on pin 35, RGB LED on pins 39-41.
ICEBREAKER_PCF = b"""\
set_io -nowarn clk 35
set_io led_r 39
set_io led_g 40
set_io led_b 41
"""

# About 3700 LUTs: synthesis and place-and-route take long enough to watch and to cancel.
BIG_DESIGN = b"""\
module big(input clk, output led_r, output led_g, output led_b);
  localparam N = 48;
  reg [31:0] s [0:N-1];
  integer i;
  initial for (i = 0; i < N; i = i + 1) s[i] = i * 32'h9E3779B9;
  always @(posedge clk) begin
    s[0] <= s[0] + 32'h9E3779B9;
    for (i = 1; i < N; i = i + 1)
      s[i] <= (s[i] ^ {s[i-1][12:0], s[i-1][31:13]}) + s[i-1];
  end
  assign led_r = ^s[N-1];
  assign led_g = s[N-1][31];
  assign led_b = s[N-2][7];
endmodule
"""


class RecordingSink:
    """Implements FlowSink; ``cancel_when`` decides from what was logged so far."""

    def __init__(self, cancel_when: Callable[[RecordingSink], bool] | None = None) -> None:
        self.steps: list[str] = []
        self.progress: dict[str, list[float]] = {}
        self.chunks: list[str] = []
        self.cancel_when = cancel_when
        self.cancelled_children: list[int] = []
        # Other tests' servers may be children of this pytest process too: only new ones are tools.
        self._children_before = set(child_pids())

    @property
    def output(self) -> str:
        return "".join(self.chunks)

    def step_started(self, name: str) -> None:
        self.steps.append(name)
        self.progress[name] = []

    def step_progress(self, fraction: float) -> None:
        self.progress[self.steps[-1]].append(fraction)

    def log(self, text: str) -> None:
        assert text.endswith("\n"), repr(text[-80:])
        self.chunks.append(text)

    def cancel_requested(self) -> bool:
        if self.cancel_when is None or not self.cancel_when(self):
            return False
        if not self.cancelled_children:
            self.cancelled_children = [pid for pid in child_pids() if pid not in self._children_before]
        return True


def child_pids() -> list[int]:
    """Our direct child processes (each tool is one, and leads its own process group)."""
    me = str(os.getpid())
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me:
            children.append(int(stat.parent.name))
    return children


def sources(files: dict[str, bytes]) -> list[SourceFile]:
    """``sources({"rtl/top.v": b"..."})``: project files by path."""
    return [SourceFile(path, content) for path, content in files.items()]


def processes_in(folder: Path) -> list[int]:
    """Live processes whose working directory is ``folder`` or below (sandboxed ones too)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            cwd = Path(os.readlink(entry / "cwd"))
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if (cwd == folder or folder in cwd.parents) and state != "Z":
            found.append(int(entry.name))
    return found
