"""A job's ``progress_data``: pure functions returning new dicts (never mutating the stored one)."""

from __future__ import annotations

from typing import Any

from a6hub.domain.jobs import Flow

ProgressData = dict[str, Any]


def initial_progress(flow: Flow) -> ProgressData:
    return {
        "flow": flow.name,
        "progress_percent": 0,
        "current_step": None,
        "completed_steps": [],
        "steps": [
            {
                "name": step.name,
                "label": step.label,
                "status": "pending",
                "started_at": None,
                "finished_at": None,
            }
            for step in flow.steps
        ],
    }


def _with_step(progress: ProgressData, name: str, **changes: Any) -> list[dict[str, Any]]:
    return [{**step, **changes} if step["name"] == name else dict(step) for step in progress["steps"]]


def start_step(progress: ProgressData, flow: Flow, name: str, now: str) -> ProgressData:
    """Finish the running step (if any) and start ``name``."""
    progress = finish_current_step(progress, flow, "completed", now)
    return {
        **progress,
        "current_step": name,
        "steps": _with_step(progress, name, status="running", started_at=now),
        "progress_percent": max(
            progress["progress_percent"], flow.percent(progress["completed_steps"], name, 0.0)
        ),
    }


def finish_current_step(progress: ProgressData, flow: Flow, status: str, now: str) -> ProgressData:
    current = progress.get("current_step")
    if current is None or current in progress["completed_steps"]:
        return progress
    completed = list(progress["completed_steps"])
    if status == "completed":
        completed.append(current)
    return {
        **progress,
        "completed_steps": completed,
        "steps": _with_step(progress, current, status=status, finished_at=now),
        "progress_percent": max(progress["progress_percent"], flow.percent(completed, None, 0.0)),
    }


def advance_within_step(progress: ProgressData, flow: Flow, fraction: float) -> ProgressData:
    """Move the percent inside the running step; it never goes backwards."""
    percent = flow.percent(progress["completed_steps"], progress.get("current_step"), fraction)
    if percent <= progress["progress_percent"]:
        return progress
    return {**progress, "progress_percent": percent}


def complete_all(progress: ProgressData, flow: Flow, now: str) -> ProgressData:
    progress = finish_current_step(progress, flow, "completed", now)
    return {**progress, "progress_percent": 100}


def close_unfinished(progress: ProgressData, flow: Flow, status: str, now: str) -> ProgressData:
    """A failed or cancelled job: the running step takes the job's end status; pending steps stay."""
    return finish_current_step(progress, flow, status, now)
