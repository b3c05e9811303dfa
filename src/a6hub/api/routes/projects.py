"""Projects: create, list (mine or public), read, change, delete."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status
from sqlalchemy.orm import Session

from a6hub.adapters.bus.access import publish_after_commit
from a6hub.adapters.db import projects as repo
from a6hub.adapters.db.models import Project
from a6hub.api.context import AppContext
from a6hub.api.deps import ContextDep, CurrentUser, SessionDep
from a6hub.api.params import Limit, Offset, ProjectId
from a6hub.api.schemas import ProjectCreate, ProjectPublic, ProjectUpdate
from a6hub.domain.access_changes import ProjectChanged

router = APIRouter(prefix="/projects", tags=["projects"])


def to_public(project: Project) -> ProjectPublic:
    return ProjectPublic.model_validate(
        {
            **{c: getattr(project, c) for c in ProjectPublic.model_fields if c != "owner_username"},
            "owner_username": project.owner.username,
        }
    )


@router.post("", status_code=status.HTTP_201_CREATED, operation_id="create_project")
def create_project(body: ProjectCreate, user: CurrentUser, session: SessionDep) -> ProjectPublic:
    project = repo.create_project(
        session, owner_id=user.id, name=body.name, description=body.description, visibility=body.visibility
    )
    session.refresh(project)
    return to_public(project)


@router.get("", operation_id="list_projects")
def list_projects(
    user: CurrentUser,
    session: SessionDep,
    scope: Annotated[Literal["mine", "public"], Query()] = "mine",
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[ProjectPublic]:
    found = repo.list_projects(session, user.id, public=scope == "public", limit=limit, offset=offset)
    return [to_public(project) for project in found]


@router.get("/{project_id}", operation_id="get_project")
def get_project(project_id: ProjectId, user: CurrentUser, session: SessionDep) -> ProjectPublic:
    return to_public(repo.readable_project(session, project_id, user.id))


@router.patch("/{project_id}", operation_id="update_project")
def update_project(
    project_id: ProjectId, body: ProjectUpdate, user: CurrentUser, session: SessionDep, context: ContextDep
) -> ProjectPublic:
    """Change the name, description or visibility; made private, its jobs' sockets of other users
    are closed (4403)."""
    project = repo.writable_project(session, project_id, user.id)
    was = project.visibility
    repo.update_project(
        session, project, name=body.name, description=body.description, visibility=body.visibility
    )
    if project.visibility != was:
        _announce(session, context, project_id)
    return to_public(project)


@router.delete("/{project_id}", status_code=status.HTTP_204_NO_CONTENT, operation_id="delete_project")
def delete_project(
    project_id: ProjectId, user: CurrentUser, session: SessionDep, context: ContextDep
) -> Response:
    """Delete the project with its files and jobs; sockets on its jobs are closed (4404)."""
    session.delete(repo.writable_project(session, project_id, user.id))
    _announce(session, context, project_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _announce(session: Session, context: AppContext, project_id: int) -> None:
    publish_after_commit(session, context.redis, context.settings.redis_keys, [ProjectChanged(project_id)])
