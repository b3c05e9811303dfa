"""How a watched job is shown: a live rich view on a terminal, plain log lines anywhere else.

The plain view writes each log line's exact bytes to stdout and nothing else, so
``a6hub watch JOB > out.txt`` is the job's log; the summary tables and line go to stderr.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Protocol

from rich.console import Console, RenderableType
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from a6hub.client.models import Event, Job

OUTCOME_STYLE = {"completed": ("✓", "green"), "failed": ("✗", "red"), "cancelled": ("■", "yellow")}


class View(Protocol):
    def __enter__(self) -> View: ...

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def show(self, event: Event) -> None: ...

    def summary(self, job: Job, message: str) -> None: ...

    def report(self, renderable: RenderableType) -> None: ...

    def interrupted(self) -> None: ...


def summary_line(job: Job, message: str) -> str:
    took = f" in {job.duration_s:.1f} s" if job.duration_s is not None else ""
    head = f"job {job.id} ({job.job_type}) {job.status}{took}"
    return f"{head}: {message}" if message else head


def interrupted_line(job_id: int) -> str:
    return (
        f"stopped watching; job {job_id} goes on (`a6hub watch {job_id}` to watch it again, "
        f"`a6hub cancel {job_id}` to stop it)"
    )


class PlainView:
    """The log as it arrives, byte for byte, on stdout; the summary on stderr."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def __enter__(self) -> PlainView:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        sys.stdout.flush()

    def show(self, event: Event) -> None:
        if event.type == "log":
            sys.stdout.buffer.write(event.log_line.encode())
            sys.stdout.buffer.flush()

    def summary(self, job: Job, message: str) -> None:
        print(summary_line(job, message), file=sys.stderr, flush=True)

    def report(self, renderable: RenderableType) -> None:
        Console(file=sys.stderr, highlight=False, width=100).print(renderable)

    def interrupted(self) -> None:
        print(interrupted_line(self.job.id), file=sys.stderr, flush=True)


class LiveView:
    """A progress bar with the current step, and the log scrolling above it."""

    def __init__(self, job: Job, console: Console | None = None) -> None:
        self.job = job
        self.console = console or Console(highlight=False)
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=self.console,
        )
        self._task: TaskID | None = None
        self._labels: dict[str, str] = {}
        self._status = "pending"  # the events replayed from seq 1 tell the rest
        self._step: str | None = None
        self._partial = ""

    def __enter__(self) -> LiveView:
        self.progress.start()
        self._task = self.progress.add_task(self._description(), total=100)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._flush_partial()
        self.progress.stop()

    def _description(self) -> str:
        step = self._labels.get(self._step or "", self._step or "")
        return f"job {self.job.id} {self.job.job_type} · {self._status}" + (f" · {step}" if step else "")

    def _update(self, completed: int | None = None) -> None:
        if self._task is not None:
            self.progress.update(self._task, description=self._description(), completed=completed)

    def show(self, event: Event) -> None:
        data = event.data
        if event.type == "log":
            text = self._partial + event.log_line
            lines, newline, self._partial = text.rpartition("\n")
            if newline:
                self.console.print(Text(lines), soft_wrap=True)
        elif event.type == "step":
            self._labels[str(data.get("step_name"))] = str(data.get("step_label"))
            self._step = str(data.get("step_name"))
            self._update()
        elif event.type == "progress":
            self._step = data.get("current_step") or self._step
            self._update(int(data.get("progress", 0)))
        elif event.type == "status":
            self._status = str(data.get("status"))
            self._update()
        elif event.type == "error":
            self._flush_partial()
            self.console.print(Text(str(data.get("error_message")), style="bold red"), soft_wrap=True)

    def _flush_partial(self) -> None:
        if self._partial:
            self.console.print(Text(self._partial), soft_wrap=True)
            self._partial = ""

    def report(self, renderable: RenderableType) -> None:
        self.console.print(renderable)

    def summary(self, job: Job, message: str) -> None:
        mark, style = OUTCOME_STYLE.get(job.status, ("•", "bold"))
        self.console.print(Text(f"{mark} {summary_line(job, message)}", style=f"bold {style}"))

    def interrupted(self) -> None:
        self.console.print(Text(interrupted_line(self.job.id), style="yellow"))
