"""Runs one job on a worker: status, steps, progress, log and the end, each published as it happens."""

from __future__ import annotations

import logging
import shutil
import socket
from pathlib import Path

from sqlalchemy import select

from a6hub.adapters.bus.lifecycle import JobLifecycle, flow_of
from a6hub.adapters.db.engine import Database
from a6hub.adapters.db.models import Job, ProjectFile
from a6hub.adapters.flows import FlowCancelled, FlowError, FlowFailedWithResult, SourceFile, run_flow
from a6hub.adapters.worker.heartbeat import JobWatch
from a6hub.adapters.worker.job_space import JobSpace
from a6hub.adapters.worker.limits import JobDeferred, artifact_limits, job_limits, store_artifacts
from a6hub.adapters.worker.log_pump import LogPump
from a6hub.config import Settings
from a6hub.domain.fair_share import START_RETRY_S, StartDecision
from a6hub.domain.job_checks import selected_sources
from a6hub.domain.job_config import BuildConfig, SimulationConfig, parse_job_config
from a6hub.domain.jobs import Flow, JobStatus, JobType
from a6hub.domain.paths import is_hdl_source

log = logging.getLogger(__name__)


class LifecycleSink:
    """A :class:`FlowSink` that turns a flow's reports into published job events."""

    def __init__(
        self, job_id: int, flow: Flow, lifecycle: JobLifecycle, pump: LogPump, watch: JobWatch
    ) -> None:
        self._job_id, self._flow, self._lifecycle = job_id, flow, lifecycle
        self._pump, self._watch = pump, watch
        self._completed: list[str] = []
        self._current: str | None = None
        self._percent = 0

    def step_started(self, name: str) -> None:
        self._pump.flush()
        if self._current is not None:
            self._completed.append(self._current)
        self._current = name
        self._percent = self._flow.percent(self._completed, name, 0.0)
        self._lifecycle.enter_step(self._job_id, name)

    def step_progress(self, fraction: float) -> None:
        percent = self._flow.percent(self._completed, self._current, fraction)
        if percent > self._percent:
            self._percent = percent
            self._pump.flush()
            self._lifecycle.advance(self._job_id, fraction)

    def log(self, text: str) -> None:
        self._pump.write(text)

    def cancel_requested(self) -> bool:
        return self._watch.cancelled.is_set()


class JobRunner:
    def __init__(self, settings: Settings, db: Database, lifecycle: JobLifecycle) -> None:
        self._settings, self._db, self._lifecycle = settings, db, lifecycle
        self.worker_name = socket.gethostname()
        self._space = JobSpace.create(settings)

    def run(self, job_id: int) -> None:
        """Run the job; raises :class:`JobDeferred` while its user has enough jobs running."""
        decision = self._lifecycle.start(job_id, self.worker_name, job_limits(self._settings))
        if decision is StartDecision.WAIT:
            raise JobDeferred(job_id, START_RETRY_S)
        if decision is StartDecision.GONE:
            log.info("job %s was cancelled or taken before it started", job_id)
            return
        workdir = self._space.workdir(job_id)
        try:
            self._run_started(job_id, workdir)
        except Exception as exc:
            log.exception("job %s: internal error", job_id)
            self._lifecycle.finish(
                job_id, JobStatus.FAILED, error_message=f"internal error in the worker: {exc}"
            )
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def _run_started(self, job_id: int, workdir: Path) -> None:
        job_type, config, sources, flow = self._load(job_id)
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir(parents=True)
        outcome: tuple[JobStatus, str | None] = (JobStatus.COMPLETED, None)
        emit = lambda text: self._lifecycle.log(job_id, text)  # noqa: E731
        with (
            JobWatch(self._db, job_id, self._settings.worker_heartbeat_s) as watch,
            LogPump(emit, cap_bytes=self._settings.log_cap_bytes) as pump,
        ):
            pump.write(f"[a6hub] job {job_id} ({job_type.value}) started on worker {self.worker_name}\n")
            sink = LifecycleSink(job_id, flow, self._lifecycle, pump, watch)
            try:
                result = run_flow(
                    job_type,
                    config,
                    sources,
                    workdir,
                    sink,
                    timeout_s=self._settings.job_timeout_s,
                    limits=self._space.limits,
                    sandbox=self._space.require_sandbox(),
                )
                if result.summary:
                    pump.write(f"[a6hub] {result.summary}\n")
                if problem := self._store_artifacts(job_id, workdir, result.artifacts):
                    pump.write(f"[a6hub] failed: {problem}\n")
                    outcome = (JobStatus.FAILED, problem)
            except FlowCancelled:
                pump.write("[a6hub] cancelled: the tools were stopped\n")
                outcome = (JobStatus.CANCELLED, None)
            except FlowError as exc:
                pump.write(f"[a6hub] failed: {exc}\n")
                if isinstance(exc, FlowFailedWithResult) and (
                    problem := self._store_artifacts(job_id, workdir, exc.result.artifacts)
                ):
                    pump.write(f"[a6hub] {problem}\n")
                outcome = (JobStatus.FAILED, str(exc))
        status, error = outcome
        self._lifecycle.finish(job_id, status, error_message=error)

    def _load(self, job_id: int) -> tuple[JobType, BuildConfig | SimulationConfig, list[SourceFile], Flow]:
        with self._db.session() as session:
            job = session.get(Job, job_id)
            assert job is not None
            job_type = JobType(job.job_type)
            config = parse_job_config(job_type, job.config)
            query = select(ProjectFile).where(ProjectFile.project_id == job.project_id)
            files = {found.path: found.content for found in session.scalars(query)}
            flow = flow_of(job)
        wanted = set(selected_sources(config, set(files)))
        extra = {path for path in files if not is_hdl_source(path)}  # pcf, include files, memory images
        sources = [SourceFile(path, files[path]) for path in sorted(wanted | extra)]
        return job_type, config, sources, flow

    def _store_artifacts(self, job_id: int, workdir: Path, paths: list[Path]) -> str | None:
        """Keep the artifacts within the job's limits (the log is not one: it is served from the
        job's events); returns why some were not kept, naming the limit."""
        with self._db.session() as session:
            return store_artifacts(session, job_id, paths, workdir, artifact_limits(self._settings))
