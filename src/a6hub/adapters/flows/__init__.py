"""EDA flows: run real tools on a project's files in a work directory, reporting to a sink.

:func:`run_flow` is the entry point; see :mod:`a6hub.adapters.flows.base` for the sink
protocol and the exceptions it raises.
"""

from __future__ import annotations

import functools
from pathlib import Path

from a6hub.adapters.flows.base import (
    FlowCancelled,
    FlowError,
    FlowFailedWithResult,
    FlowResult,
    FlowSink,
    FlowTimedOut,
    SourceFile,
)
from a6hub.adapters.flows.build import build
from a6hub.adapters.flows.process import DEFAULT_LIMITS, ToolLimits
from a6hub.adapters.flows.runner import ToolEnvironment
from a6hub.adapters.flows.sandbox import Sandbox, SandboxUnavailable, detect_sandbox
from a6hub.adapters.flows.simulation import simulate
from a6hub.domain.job_config import BuildConfig, SimulationConfig
from a6hub.domain.jobs import JobType

__all__ = [
    "FlowCancelled",
    "FlowError",
    "FlowFailedWithResult",
    "FlowResult",
    "FlowSink",
    "FlowTimedOut",
    "Sandbox",
    "SandboxUnavailable",
    "SourceFile",
    "ToolLimits",
    "default_sandbox",
    "detect_sandbox",
    "run_flow",
]


def run_flow(
    job_type: JobType,
    config: BuildConfig | SimulationConfig,
    sources: list[SourceFile],
    workdir: Path,
    sink: FlowSink,
    *,
    timeout_s: float,
    limits: ToolLimits = DEFAULT_LIMITS,
    sandbox: Sandbox | None = None,
) -> FlowResult:
    """Run the job's flow in ``workdir`` (created if missing) and return what it produced.

    Every step of ``domain.jobs.flow_for(job_type, config)`` is announced to ``sink`` in
    order; all output goes to ``sink.log``. Raises :class:`FlowError` (the message is for the
    user; :class:`FlowFailedWithResult` also carries files worth keeping, such as the
    waveform of a failing testbench), :class:`FlowTimedOut` once ``timeout_s`` of wall-clock
    time has passed, or :class:`FlowCancelled` when ``sink.cancel_requested()`` turns true.
    Every tool runs in ``sandbox`` (default: bubblewrap, see :mod:`.sandbox`).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    tools = ToolEnvironment(workdir.resolve(), limits, sandbox or default_sandbox())
    if job_type is JobType.SIMULATION:
        if not isinstance(config, SimulationConfig):
            raise TypeError("a simulation job needs a SimulationConfig")
        return simulate(config, sources, tools, sink, timeout_s=timeout_s)
    if not isinstance(config, BuildConfig):
        raise TypeError("a build job needs a BuildConfig")
    return build(config, sources, tools, sink, timeout_s=timeout_s)


@functools.cache
def default_sandbox() -> Sandbox:
    """The bubblewrap sandbox, probed once per process (:class:`SandboxUnavailable` if it cannot work)."""
    return detect_sandbox("on")
