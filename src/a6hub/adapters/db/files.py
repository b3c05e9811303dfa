"""Project files, stored in the database so a worker on any machine can read them."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from a6hub.adapters.db.models import Project, ProjectFile, utcnow
from a6hub.domain.errors import NotFound, TooLarge
from a6hub.domain.paths import normalize_path


def put_file(
    session: Session, project: Project, path: str, content: bytes, *, max_bytes: int, max_files: int
) -> ProjectFile:
    """Create or replace a file; limits raise :class:`TooLarge`, bad paths :class:`InvalidInput`."""
    path = normalize_path(path)
    if len(content) > max_bytes:
        raise TooLarge(f"'{path}' is {len(content)} bytes; the limit is {max_bytes} bytes per file")
    existing = find_file(session, project.id, path)
    if existing is None:
        count = session.scalar(select(func.count()).where(ProjectFile.project_id == project.id)) or 0
        if count >= max_files:
            raise TooLarge(f"project already has {count} files; the limit is {max_files}")
        existing = ProjectFile(project_id=project.id, path=path)
        session.add(existing)
    existing.content = content
    existing.size_bytes = len(content)
    existing.content_hash = hashlib.sha256(content).hexdigest()
    existing.updated_at = utcnow()
    project.updated_at = utcnow()
    session.flush()
    return existing


def find_file(session: Session, project_id: int, path: str) -> ProjectFile | None:
    return session.scalar(
        select(ProjectFile).where(ProjectFile.project_id == project_id, ProjectFile.path == path)
    )


def get_file(session: Session, project_id: int, path: str) -> ProjectFile:
    found = find_file(session, project_id, normalize_path(path))
    if found is None:
        raise NotFound(f"file '{path}' not found in project {project_id}")
    return found


def list_files(session: Session, project_id: int) -> list[ProjectFile]:
    query = (
        select(ProjectFile)
        .options(defer(ProjectFile.content))
        .where(ProjectFile.project_id == project_id)
        .order_by(ProjectFile.path)
    )
    return list(session.scalars(query))


def delete_file(session: Session, project: Project, path: str) -> None:
    session.delete(get_file(session, project.id, path))
    project.updated_at = utcnow()
