"""What every step of a flow needs: the sink, the work directory, the deadline and the limits."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from a6hub.adapters.flows.base import FlowError, FlowSink
from a6hub.adapters.flows.process import ToolLimits, describe_exit
from a6hub.adapters.flows.progress import StepProgress, ToolWatcher
from a6hub.adapters.flows.runner import Deadline, OutputWatcher, ToolCall, ToolEnvironment, run_tool
from a6hub.adapters.flows.yowasp import prepare_yowasp
from a6hub.domain.jobs import Flow
from a6hub.domain.summary import SUMMARY_ARTIFACT, BuildSummary, MessageCounter, SimulationSummary

REPORTS_FILE = "reports.json"


class FlowContext:
    """Runs the steps of one flow in their declared order and reports them to the sink."""

    def __init__(self, flow: Flow, tools: ToolEnvironment, sink: FlowSink, deadline: Deadline) -> None:
        self.flow, self.tools, self.sink, self.deadline = flow, tools, sink, deadline
        self._pending = list(flow.step_names)
        self.progress = StepProgress(sink)
        self.sources: list[str] = []  # the project's files the tools read, in their order
        self.messages = MessageCounter()  # warning and error lines of the tools and of the hub

    @property
    def workdir(self) -> Path:
        return self.tools.workdir

    @property
    def limits(self) -> ToolLimits:
        return self.tools.limits

    def step(self, name: str) -> StepProgress:
        """Start step ``name``, which must be the next one of the flow."""
        expected = self._pending.pop(0) if self._pending else None
        if name != expected:
            raise RuntimeError(f"flow {self.flow.name!r}: step {name!r} started, {expected!r} expected")
        self.sink.step_started(name)
        self.log(f"==> {self.flow.step(name).label}")
        self.progress = StepProgress(self.sink)
        return self.progress

    def finish(self) -> None:
        if self._pending:
            raise RuntimeError(f"flow {self.flow.name!r} ended before steps {self._pending}")

    def log(self, *lines: str) -> None:
        """Show lines to the user (each gets its newline)."""
        text = "".join(f"{line}\n" for line in lines)
        self.messages.feed(text)
        self.sink.log(text)

    def run(self, call: ToolCall, watcher: OutputWatcher | None = None) -> int:
        """Run a tool (its command line is shown first) and return its exit code."""
        if call.wasm:
            prepare_yowasp(call.argv[0], tools=self.tools, sink=self.sink, deadline=self.deadline)
        self.log("$ " + shlex.join([Path(call.argv[0]).name, *call.argv[1:]]))
        counted = _Counted(self.messages, watcher)
        return run_tool(call, tools=self.tools, sink=self.sink, deadline=self.deadline, watcher=counted)

    def check(self, what: str, tool: str, returncode: int, watcher: ToolWatcher) -> None:
        """Raise ``FlowError("<what> failed: <the tool's error line>")`` unless the tool succeeded."""
        if returncode == 0:
            return
        if returncode > 0 and watcher.error_line:
            raise FlowError(f"{what} failed: {watcher.error_line}")
        detail = describe_exit(tool, returncode, self.limits)
        if watcher.last_line:
            detail += f"; its last message: {watcher.last_line}"
        raise FlowError(f"{what} failed: {detail}")

    def write_reports(self, reports: dict[str, object]) -> Path:
        """Write ``reports.json``; ``reports`` gains the source order as ``sources`` if one was set."""
        if self.sources:
            reports["sources"] = list(self.sources)
        path = self.workdir / REPORTS_FILE
        path.write_text(json.dumps(reports, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return path

    def write_summary(self, summary: BuildSummary | SimulationSummary) -> Path:
        """Write ``summary.json``, the first thing a user reads about the job."""
        path = self.workdir / SUMMARY_ARTIFACT
        path.write_text(summary.model_dump_json(indent=2) + "\n", encoding="utf-8")
        return path


class _Counted:
    """Feeds every batch of a tool's output to the message counter, then to the tool's watcher."""

    def __init__(self, counter: MessageCounter, watcher: OutputWatcher | None) -> None:
        self._counter, self._watcher = counter, watcher

    def feed(self, text: str) -> None:
        self._counter.feed(text)
        if self._watcher is not None:
            self._watcher.feed(text)
