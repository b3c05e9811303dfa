"""Browser tests: Debian's Chromium, driven by Playwright, against a real hub serving the built web app.

One hub (API process serving ``frontend/dist``, Celery worker, Redis, a fresh PostgreSQL schema) per
test module; one Chromium for the whole package; a fresh browser context (own session storage) per
test. A missing ``frontend/dist/index.html`` makes every test here fail with a hint to run
``make frontend``. Screenshots go to ``test-artifacts/e2e/`` (git-ignored), also on failure.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import sqlalchemy
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.conftest import POSTGRES_ADMIN_URL, make_settings
from tests.e2e.hubapi import register
from tests.jobs.conftest import JobHub
from tests.servers import api_server, worker_process

REPO = Path(__file__).resolve().parents[2]
FRONTEND_INDEX = REPO / "frontend" / "dist" / "index.html"
SHOTS = REPO / "test-artifacts" / "e2e"
CHROMIUM = Path("/usr/bin/chromium")
# No outside network here: without the background-networking flags Chromium keeps dialling out.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()

ContextFactory = Callable[[], BrowserContext]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    """Fail (never skip) when the web app is not built: these tests are about the built app."""
    if not FRONTEND_INDEX.is_file():
        pytest.fail(
            f"{FRONTEND_INDEX.relative_to(REPO)} is missing: the browser tests drive the built web app; "
            "run `make frontend` first",
            pytrace=False,
        )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report: pytest.TestReport = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A fresh schema in the test database for one module's hub, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield f"{POSTGRES_ADMIN_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JobHub]:
    """API process (serving the built app) + worker + Redis + PostgreSQL; ``hub.client`` is "designer".

    Like ``tests.jobs.conftest.start_hub``, but the sign-in waits for the sign-up (see hubapi).
    """
    tmp_path = tmp_path_factory.mktemp("e2e-hub")
    with postgres_schema() as database_url:
        settings = make_settings(tmp_path, database_url)
        with (
            api_server(settings, tmp_path / "api.log") as base,
            worker_process(settings, tmp_path / "worker.log"),
            httpx.Client(base_url=base, timeout=30) as client,
        ):
            client.headers["Authorization"] = f"Bearer {register(client, 'designer')}"
            yield JobHub(base, settings, client, tmp_path)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/install-system-deps.sh`", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[ContextFactory]:
    """Fresh browser contexts (a signed-in user each); all closed after the test."""
    contexts: list[BrowserContext] = []

    def make() -> BrowserContext:
        context = browser.new_context(
            viewport={"width": VIEWPORT["width"], "height": VIEWPORT["height"]},
            accept_downloads=True,
            locale="en-US",
            timezone_id="UTC",
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: ContextFactory, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page in a fresh context; on failure its last state is saved as a screenshot."""
    tab = new_context().new_page()
    yield tab
    report = request.node.stash.get(REPORTS, {}).get("call")
    if report is not None and report.failed and not tab.is_closed():
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=SHOTS / f"FAILED-{name}.png", full_page=True)
