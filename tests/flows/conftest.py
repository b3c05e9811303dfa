"""Fixtures for the flow tests (real tools; see flowkit for the recording sink and designs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.flows.flowkit import RecordingSink


@pytest.fixture
def sink() -> RecordingSink:
    return RecordingSink()


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path / "job"
