"""Who may see and change a project: the one access rule used by REST and WebSocket alike."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from a6hub.domain.errors import Forbidden, NotFound


class Visibility(StrEnum):
    PRIVATE = "private"
    PUBLIC = "public"


@dataclass(frozen=True, slots=True)
class ProjectAccess:
    """The facts the rule needs about a project."""

    project_id: int
    owner_id: int
    visibility: Visibility


def can_read(project: ProjectAccess, user_id: int | None) -> bool:
    if user_id is None:
        return False
    return project.owner_id == user_id or project.visibility is Visibility.PUBLIC


def can_write(project: ProjectAccess, user_id: int | None) -> bool:
    return user_id is not None and project.owner_id == user_id


def require_read(project: ProjectAccess, user_id: int | None) -> None:
    """A private project that is not yours does not exist, as far as you can tell."""
    if not can_read(project, user_id):
        raise NotFound(f"project {project.project_id} not found")


def require_write(project: ProjectAccess, user_id: int | None) -> None:
    require_read(project, user_id)
    if not can_write(project, user_id):
        raise Forbidden(f"project {project.project_id} belongs to another user; you may only read it")
