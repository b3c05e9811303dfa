"""Fair share: a user's queued jobs are capped (429), their running jobs too (the rest wait)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from fastapi.testclient import TestClient

from a6hub.adapters.bus.keys import RedisKeys
from a6hub.adapters.bus.lifecycle import JobLifecycle
from a6hub.adapters.bus.publisher import EventPublisher
from a6hub.adapters.db.engine import Database
from a6hub.adapters.db.event_store import read_log
from a6hub.adapters.db.jobs import create_job, load_job
from a6hub.adapters.db.models import User
from a6hub.adapters.db.projects import create_project
from a6hub.api.app import create_app
from a6hub.config import Settings
from a6hub.domain.errors import TooManyRequests
from a6hub.domain.fair_share import (
    ArtifactLimits,
    JobLimits,
    StartDecision,
    UserJobs,
    check_can_queue,
    choose_artifacts,
    decide_start,
)
from a6hub.domain.jobs import JobStatus, JobType
from tests.conftest import REDIS_URL
from tests.helpers import new_project, signed_up

TOP = b"module top(input a, output b); assign b = a; endmodule\n"
TWO_RUNNING = JobLimits(max_running=2, max_queued=20)

# -- the rules --------------------------------------------------------------------------------------


def test_the_queue_limit_counts_queued_jobs_and_says_so() -> None:
    check_can_queue(JobLimits(2, 3), UserJobs(queued=2, running=5))
    with pytest.raises(TooManyRequests) as refused:
        check_can_queue(JobLimits(2, 3), UserJobs(queued=3, running=1))
    assert "3 jobs queued and 1 running" in refused.value.message
    assert "limit is 3 queued jobs" in refused.value.message
    assert "A6HUB_MAX_QUEUED_JOBS_PER_USER" in refused.value.message
    assert refused.value.retry_after_s > 0
    check_can_queue(JobLimits(0, 0), UserJobs(queued=10_000, running=10_000))  # 0: no limit


def test_a_job_starts_only_while_its_user_is_under_the_running_limit() -> None:
    assert decide_start(JobStatus.PENDING, 1, TWO_RUNNING) is StartDecision.START
    assert decide_start(JobStatus.PENDING, 2, TWO_RUNNING) is StartDecision.WAIT
    assert decide_start(JobStatus.CANCELLED, 0, TWO_RUNNING) is StartDecision.GONE
    assert decide_start(JobStatus.RUNNING, 0, TWO_RUNNING) is StartDecision.GONE
    assert decide_start(JobStatus.PENDING, 99, JobLimits(0, 0)) is StartDecision.START


def test_artifacts_are_kept_while_they_fit_and_the_rest_are_named() -> None:
    sizes = [("a.vcd", 10), ("big.vcd", 5000), ("b.vcd", 10), ("c.vcd", 10), ("report.json", 1)]
    choice = choose_artifacts(sizes, ArtifactLimits(max_count=2, max_bytes=1000))
    assert choice.kept == ["a.vcd", "b.vcd"]
    assert choice.dropped == ["big.vcd", "c.vcd", "report.json"]
    assert choice.problem is not None
    assert "big.vcd, c.vcd, report.json" in choice.problem
    assert "2 files per job (A6HUB_MAX_ARTIFACTS_PER_JOB)" in choice.problem
    assert "1000 bytes in total per job (A6HUB_MAX_ARTIFACT_BYTES_PER_JOB)" in choice.problem
    all_fit = choose_artifacts(sizes, ArtifactLimits(max_count=5, max_bytes=512 * 1024 * 1024))
    assert all_fit.dropped == [] and all_fit.problem is None


# -- the queued limit through the API ---------------------------------------------------------------


def _start(client: TestClient, headers: dict[str, str], project_id: int) -> tuple[int, dict[str, str]]:
    response = client.post(
        f"/api/v1/projects/{project_id}/jobs",
        json={"job_type": "build", "config": {"flow": "synth", "top": "top"}},
        headers=headers,
    )
    return response.status_code, {**response.json(), "retry-after": response.headers.get("retry-after", "")}


def test_past_the_queued_limit_a_new_job_gets_429_with_retry_after(settings: Settings) -> None:
    limited = settings.model_copy(update={"max_queued_jobs_per_user": 2})
    with TestClient(create_app(limited)) as client:
        owner, other = signed_up(client), signed_up(client)
        project = new_project(client, owner)["id"]
        client.put(f"/api/v1/projects/{project}/files/top.v", content=TOP, headers=owner).raise_for_status()
        first, second = _start(client, owner, project), _start(client, owner, project)
        assert (first[0], second[0]) == (201, 201)  # no worker here: both stay queued

        status, refused = _start(client, owner, project)
        assert status == 429
        assert int(refused["retry-after"]) > 0
        assert "2 jobs queued and 0 running" in refused["detail"]
        assert "limit is 2 queued jobs per user" in refused["detail"]
        assert "A6HUB_MAX_QUEUED_JOBS_PER_USER" in refused["detail"]
        assert refused["code"] == "too_many_requests"

        other_project = new_project(client, other)["id"]
        client.put(f"/api/v1/projects/{other_project}/files/top.v", content=TOP, headers=other)
        assert _start(client, other, other_project)[0] == 201, "the limit is per user"

        client.post(f"/api/v1/projects/{project}/jobs/{first[1]['id']}/cancel", headers=owner)
        assert _start(client, owner, project)[0] == 201, "a cancelled job frees its place"


# -- the running limit, where a worker starts a job --------------------------------------------------


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    database.migrate()
    yield database
    database.dispose()


@pytest.fixture
def lifecycle(db: Database) -> Iterator[JobLifecycle]:
    client = redis.Redis.from_url(REDIS_URL)
    yield JobLifecycle(EventPublisher(db, client, RedisKeys(f"test-{uuid.uuid4().hex[:8]}:")))
    client.close()


def _jobs(db: Database, username: str, count: int) -> list[int]:
    with db.session() as session:
        user = User(email=f"{username}@example.com", username=username, password_hash="unused")
        session.add(user)
        session.flush()
        project = create_project(session, owner_id=user.id, name="fair")
        config: dict[str, object] = {"flow": "synth", "top": "top"}
        return [create_job(session, project, user.id, JobType.BUILD, config).id for _ in range(count)]


def _log(db: Database, job_id: int) -> str:
    with db.session() as session:
        return read_log(session, job_id, 0, 1 << 20).decode()


def test_a_users_job_past_the_running_limit_waits_and_says_why(db: Database, lifecycle: JobLifecycle) -> None:
    first, second, third = _jobs(db, "alice", 3)
    [others] = _jobs(db, "bob", 1)
    assert lifecycle.start(first, "w1", TWO_RUNNING) is StartDecision.START
    assert lifecycle.start(second, "w2", TWO_RUNNING) is StartDecision.START
    assert lifecycle.start(third, "w3", TWO_RUNNING) is StartDecision.WAIT
    waiting = _log(db, third)
    assert "you have 2 jobs running and the limit is 2 per user" in waiting
    assert "A6HUB_MAX_RUNNING_JOBS_PER_USER" in waiting
    assert lifecycle.start(third, "w3", TWO_RUNNING) is StartDecision.WAIT
    assert _log(db, third) == waiting, "the reason is logged once, not at every try"
    assert lifecycle.start(others, "w3", TWO_RUNNING) is StartDecision.START, "another user's job runs"

    lifecycle.finish(first, JobStatus.COMPLETED)
    assert lifecycle.start(third, "w1", TWO_RUNNING) is StartDecision.START
    with db.session() as session:
        assert load_job(session, third).status == JobStatus.RUNNING
    lifecycle.request_cancel(second)
    assert lifecycle.start(second, "w2", TWO_RUNNING) is StartDecision.GONE


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_workers_starting_one_users_jobs_at_once_never_pass_the_limit(
    db: Database, lifecycle: JobLifecycle
) -> None:
    def start_together(jobs: list[int]) -> list[StartDecision]:
        together = threading.Barrier(len(jobs))

        def start(job_id: int) -> StartDecision:
            together.wait()
            return lifecycle.start(job_id, f"w{job_id}", TWO_RUNNING)

        with ThreadPoolExecutor(len(jobs)) as pool:
            return list(pool.map(start, jobs))

    for round_ in range(3):
        decisions = start_together(_jobs(db, f"carol{round_}", 6))
        assert decisions.count(StartDecision.START) == 2, decisions
        assert decisions.count(StartDecision.WAIT) == 4, decisions
