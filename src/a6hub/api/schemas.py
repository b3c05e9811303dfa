"""Request and response bodies: ``XCreate`` / ``XUpdate`` / ``XPublic`` families."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from a6hub.domain.access import Visibility
from a6hub.domain.jobs import JobType


class _Public(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class UserCreate(BaseModel):
    # Written without \s so JSON Schema (ECMA-262) and Python agree on what matches.
    email: str = Field(max_length=320, pattern=r"^[^@ \t\r\n]+@[^@ \t\r\n]+\.[^@ \t\r\n]+$")
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    password: str = Field(min_length=8, max_length=256)


class UserPublic(_Public):
    id: int
    email: str
    username: str
    is_admin: bool
    created_at: datetime


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=320, description="Username or email")
    password: str = Field(min_length=1, max_length=256)


class AccountDelete(BaseModel):
    password: str = Field(min_length=1, max_length=256, description="The account's password, again")


class TokenPublic(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int


class ProjectCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=5000)
    visibility: Visibility = Visibility.PRIVATE


class ProjectUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    description: str | None = Field(default=None, max_length=5000)
    visibility: Visibility | None = None


class ProjectPublic(_Public):
    id: int
    name: str
    slug: str
    description: str
    visibility: Visibility
    owner_id: int
    owner_username: str
    created_at: datetime
    updated_at: datetime


class FilePublic(_Public):
    path: str
    size_bytes: int
    content_hash: str
    updated_at: datetime


class JobCreate(BaseModel):
    job_type: JobType
    config: dict[str, Any] = Field(default_factory=dict)


class StepPublic(BaseModel):
    name: str
    label: str
    status: str
    started_at: str | None = None
    finished_at: str | None = None


class ProgressPublic(BaseModel):
    progress_percent: int = 0
    current_step: str | None = None
    completed_steps: list[str] = Field(default_factory=list)
    steps: list[StepPublic] = Field(default_factory=list)


class JobPublic(_Public):
    id: int
    project_id: int
    user_id: int
    job_type: JobType
    status: str
    config: dict[str, Any]
    progress_data: ProgressPublic
    current_step: str | None
    error_message: str | None
    last_seq: int
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None


class JobPage(BaseModel):
    items: list[JobPublic]
    total: int
    limit: int
    offset: int


class EventsPage(BaseModel):
    events: list[dict[str, Any]]
    last_seq: int
    done: bool


class ArtifactPublic(BaseModel):
    name: str
    size_bytes: int
    sha256: str
    url: str


class ErrorPublic(BaseModel):
    detail: str
    code: str
