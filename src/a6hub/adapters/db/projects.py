"""Projects, with the access rule applied on every lookup."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from a6hub.adapters.db.models import Project
from a6hub.domain.access import ProjectAccess, Visibility, require_read, require_write
from a6hub.domain.errors import NotFound


def access_of(project: Project) -> ProjectAccess:
    return ProjectAccess(project.id, project.owner_id, Visibility(project.visibility))


def project_accesses(connection: Connection, project_ids: Iterable[int]) -> dict[int, ProjectAccess]:
    """The access facts of the given projects that exist (one query, no ORM: for the gateway)."""
    wanted = sorted(set(project_ids))
    if not wanted:
        return {}
    rows = connection.execute(
        select(Project.id, Project.owner_id, Project.visibility).where(Project.id.in_(wanted))
    ).tuples()
    return {pid: ProjectAccess(pid, owner, Visibility(visibility)) for pid, owner, visibility in rows}


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:100] or "project"


def _free_slug(session: Session, owner_id: int, name: str) -> str:
    base = slugify(name)
    taken = set(
        session.scalars(
            select(Project.slug).where(Project.owner_id == owner_id, Project.slug.like(f"{base}%"))
        )
    )
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


def create_project(
    session: Session,
    *,
    owner_id: int,
    name: str,
    description: str = "",
    visibility: Visibility = Visibility.PRIVATE,
) -> Project:
    project = Project(
        owner_id=owner_id,
        name=name,
        slug=_free_slug(session, owner_id, name),
        description=description,
        visibility=visibility.value,
    )
    session.add(project)
    session.flush()
    return project


def load_project(session: Session, project_id: int) -> Project:
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound(f"project {project_id} not found")
    return project


def readable_project(session: Session, project_id: int, user_id: int | None) -> Project:
    project = load_project(session, project_id)
    require_read(access_of(project), user_id)
    return project


def writable_project(session: Session, project_id: int, user_id: int | None) -> Project:
    project = load_project(session, project_id)
    require_write(access_of(project), user_id)
    return project


def list_projects(session: Session, user_id: int, *, public: bool, limit: int, offset: int) -> list[Project]:
    query = select(Project).order_by(Project.updated_at.desc(), Project.id.desc()).limit(limit).offset(offset)
    if public:
        query = query.where(Project.visibility == Visibility.PUBLIC.value)
    else:
        query = query.where(Project.owner_id == user_id)
    return list(session.scalars(query))


def update_project(
    session: Session,
    project: Project,
    *,
    name: str | None = None,
    description: str | None = None,
    visibility: Visibility | None = None,
) -> Project:
    if name is not None and name != project.name:
        project.name = name
        project.slug = _free_slug(session, project.owner_id, name)
    if description is not None:
        project.description = description
    if visibility is not None:
        project.visibility = visibility.value
    session.flush()
    return project
