"""Project files: raw PUT/GET/DELETE by path, a listing, and multipart upload of several files."""

from __future__ import annotations

import mimetypes
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, Response, UploadFile, status
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from a6hub.adapters.db import files as repo
from a6hub.adapters.db.models import Project, ProjectFile
from a6hub.adapters.db.projects import readable_project, writable_project
from a6hub.api.context import AppContext
from a6hub.api.deps import ContextDep, CurrentUser, SessionDep
from a6hub.api.disposition import content_disposition
from a6hub.api.params import ProjectId
from a6hub.api.schemas import FilePublic
from a6hub.domain.errors import InvalidInput, TooLarge
from a6hub.domain.paths import normalize_path

router = APIRouter(prefix="/projects/{project_id}/files", tags=["files"])

TEXT_SUFFIXES = (
    ".v",
    ".sv",
    ".vh",
    ".svh",
    ".pcf",
    ".lpf",
    ".cst",
    ".txt",
    ".md",
    ".ys",
    ".tcl",
    ".py",
    ".json",
)


async def _read_capped(request: Request, max_bytes: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge(f"file is {declared} bytes; the limit is {max_bytes} bytes per file")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise TooLarge(f"file is over the limit of {max_bytes} bytes per file")
    return bytes(body)


@router.get("", operation_id="list_files")
def list_files(project_id: ProjectId, user: CurrentUser, session: SessionDep) -> list[FilePublic]:
    project = readable_project(session, project_id, user.id)
    return [FilePublic.model_validate(found) for found in repo.list_files(session, project.id)]


@router.post("", status_code=status.HTTP_201_CREATED, operation_id="upload_files")
async def upload_files(
    project_id: ProjectId,
    files: Annotated[list[UploadFile], File(min_length=1, description="one or more files")],
    user: CurrentUser,
    context: ContextDep,
    folder: Annotated[str, Form()] = "",
) -> list[FilePublic]:
    """Upload several files at once (multipart field ``files``), optionally into ``folder``."""
    limit = context.settings.max_file_bytes
    contents: list[tuple[str, bytes]] = []
    for upload in files:
        if not upload.filename:
            raise InvalidInput("every uploaded file needs a file name", field="files")
        data = await upload.read(limit + 1)
        if len(data) > limit:
            raise TooLarge(f"'{upload.filename}' is over the limit of {limit} bytes per file")
        contents.append((normalize_path(f"{folder}/{upload.filename}" if folder else upload.filename), data))

    def store() -> list[FilePublic]:
        with context.db.session() as session:
            project = writable_project(session, project_id, user.id)
            stored = [_put(context, session, project, path, data) for path, data in contents]
            return [FilePublic.model_validate(item) for item in stored]

    return await run_in_threadpool(store)


def _put(context: AppContext, session: Session, project: Project, path: str, data: bytes) -> ProjectFile:
    return repo.put_file(
        session,
        project,
        path,
        data,
        max_bytes=context.settings.max_file_bytes,
        max_files=context.settings.max_files_per_project,
    )


@router.put("/{path:path}", operation_id="put_file")
async def put_file(
    project_id: ProjectId, path: str, request: Request, user: CurrentUser, context: ContextDep
) -> FilePublic:
    """Create or replace one file; the request body is the file's raw content."""
    path = normalize_path(path)
    data = await _read_capped(request, context.settings.max_file_bytes)

    def store() -> FilePublic:
        with context.db.session() as session:
            project = writable_project(session, project_id, user.id)
            return FilePublic.model_validate(_put(context, session, project, path, data))

    return await run_in_threadpool(store)


@router.get("/{path:path}", operation_id="get_file", response_class=Response)
def get_file(project_id: ProjectId, path: str, user: CurrentUser, session: SessionDep) -> Response:
    project = readable_project(session, project_id, user.id)
    found = repo.get_file(session, project.id, path)
    media_type = "text/plain; charset=utf-8" if found.path.lower().endswith(TEXT_SUFFIXES) else None
    media_type = media_type or mimetypes.guess_type(found.path)[0] or "application/octet-stream"
    headers = {"ETag": f'"{found.content_hash}"', "Content-Disposition": content_disposition(found.path)}
    return Response(found.content, media_type=media_type, headers=headers)


@router.delete("/{path:path}", status_code=status.HTTP_204_NO_CONTENT, operation_id="delete_file")
def delete_file(project_id: ProjectId, path: str, user: CurrentUser, session: SessionDep) -> Response:
    repo.delete_file(session, writable_project(session, project_id, user.id), path)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
