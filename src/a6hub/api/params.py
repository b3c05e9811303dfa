"""Path and query parameters shared by routes, bounded so no value can overflow a database integer."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

MAX_ID = 2**31 - 1  # INTEGER columns on PostgreSQL

ProjectId = Annotated[int, Path(ge=1, le=MAX_ID, description="Project id")]
JobId = Annotated[int, Path(ge=1, le=MAX_ID, description="Job id")]
UserId = Annotated[int, Path(ge=1, le=MAX_ID, description="User id")]
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=MAX_ID)]
