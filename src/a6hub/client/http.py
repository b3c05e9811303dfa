"""A typed client for the hub's REST API (``/api/v1``), and the entry to its live job events."""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, TypeAdapter

from a6hub.client import config
from a6hub.client.errors import (
    WRONG_PASSWORD,
    AuthenticationError,
    NotFound,
    ServerError,
    error_for_response,
    unreachable,
)
from a6hub.client.events import EventStream
from a6hub.client.models import (
    Artifact,
    BuildSummary,
    Job,
    JobPage,
    LogChunk,
    Project,
    ProjectFile,
    SimulationSummary,
    Summary,
    User,
)

M = TypeVar("M", bound=BaseModel)
API = "/api/v1"
USER_AGENT = "a6hub-client/0.1"
SUMMARY: TypeAdapter[BuildSummary | SimulationSummary] = TypeAdapter(Summary)


class Client:
    """``Client(url, token)`` or ``Client.from_config()`` (what ``a6hub login`` stored, or the env).

    Jobs are addressed by id alone: the client finds (and remembers) the project of each job.
    """

    def __init__(
        self,
        url: str = config.DEFAULT_URL,
        token: str | None = None,
        *,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = config.normalize_url(url)
        self.token = token
        self._http = httpx.Client(
            base_url=self.url + API,
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": USER_AGENT},
            follow_redirects=False,
        )
        self._job_projects: dict[int, int] = {}

    @classmethod
    def from_config(cls, url: str | None = None, **kwargs: Any) -> Client:
        credentials = config.resolve(url)
        return cls(credentials.url, credentials.token, **kwargs)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- plumbing ----------------------------------------------------------------------------

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send a request under ``/api/v1``; any non-2xx answer raises an :class:`A6hubError`."""
        headers = dict(kwargs.pop("headers", None) or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = self._http.request(method, path, headers=headers, **kwargs)
        except httpx.TransportError as exc:
            raise unreachable(self.url, exc) from exc
        if response.is_error:
            raise error_for_response(response)
        return response

    def _get(self, model: type[M], path: str, **params: Any) -> M:
        return model.model_validate(self.request("GET", path, params=params or None).json())

    def _list(self, model: type[M], path: str, **params: Any) -> list[M]:
        return TypeAdapter(list[model]).validate_python(  # type: ignore[valid-type]
            self.request("GET", path, params=params or None).json()
        )

    # -- accounts ----------------------------------------------------------------------------

    def login(self, username: str, password: str) -> str:
        """Sign in; keeps the token on this client and returns it."""
        try:
            response = self.request("POST", "/auth/login", json={"username": username, "password": password})
        except AuthenticationError as exc:
            raise AuthenticationError(
                "wrong username or password", status=exc.status, code=WRONG_PASSWORD
            ) from exc
        self.token = str(response.json()["access_token"])
        return self.token

    def me(self) -> User:
        return self._get(User, "/auth/me")

    def logout_all(self) -> None:
        """End every session of the account: all its tokens (this one too) stop working."""
        self.request("POST", "/auth/logout-all")
        self.token = None

    # -- projects and files ------------------------------------------------------------------

    def projects(self, scope: Literal["mine", "public"] = "mine") -> list[Project]:
        found: list[Project] = []
        while True:
            page = self._list(Project, "/projects", scope=scope, limit=200, offset=len(found))
            found += page
            if len(page) < 200:
                return found

    def project(self, ref: int | str) -> Project:
        """A project by id, or by the name or slug of one of yours."""
        if isinstance(ref, int) or ref.isdigit():
            return self._get(Project, f"/projects/{int(ref)}")
        mine = self.projects()
        for key in (ref, ref.lower()):
            for project in mine:
                if key in (project.slug, project.name) or key == project.name.lower():
                    return project
        raise NotFound(f"no project named '{ref}' among yours", status=404)

    def create_project(self, name: str, *, public: bool = False, description: str = "") -> Project:
        body = {"name": name, "description": description, "visibility": "public" if public else "private"}
        return Project.model_validate(self.request("POST", "/projects", json=body).json())

    def files(self, project_id: int) -> list[ProjectFile]:
        return self._list(ProjectFile, f"/projects/{project_id}/files")

    def put_file(self, project_id: int, path: str, content: bytes) -> ProjectFile:
        response = self.request("PUT", f"/projects/{project_id}/files/{quote(path)}", content=content)
        return ProjectFile.model_validate(response.json())

    def read_file(self, project_id: int, path: str) -> bytes:
        return self.request("GET", f"/projects/{project_id}/files/{quote(path)}").content

    # -- jobs --------------------------------------------------------------------------------

    def start_job(self, project_id: int, job_type: Literal["build", "simulation"], **config: Any) -> Job:
        """Queue a job; ``config`` is the build's or simulation's settings (``None`` values dropped)."""
        body = {"job_type": job_type, "config": {k: v for k, v in config.items() if v is not None}}
        job = Job.model_validate(self.request("POST", f"/projects/{project_id}/jobs", json=body).json())
        self._job_projects[job.id] = job.project_id
        return job

    def build(self, project_id: int, **config: Any) -> Job:
        """``flow``, ``top``, ``device``, ``package``, ``pcf``, ``frequency_mhz``, ``files``."""
        return self.start_job(project_id, "build", **config)

    def simulate(self, project_id: int, top: str, **config: Any) -> Job:
        return self.start_job(project_id, "simulation", top=top, **config)

    def job(self, job_id: int) -> Job:
        job = self._get(Job, f"/jobs/{job_id}")
        self._job_projects[job.id] = job.project_id
        return job

    def jobs(self, project_id: int, *, limit: int = 20, offset: int = 0) -> JobPage:
        return self._get(JobPage, f"/projects/{project_id}/jobs", limit=limit, offset=offset)

    def _job_path(self, job_id: int) -> str:
        if job_id not in self._job_projects:
            self.job(job_id)
        return f"/projects/{self._job_projects[job_id]}/jobs/{job_id}"

    def cancel(self, job_id: int) -> Job:
        """Ask the hub to stop the job (a running one stops within a second or so)."""
        return Job.model_validate(self.request("POST", f"{self._job_path(job_id)}/cancel").json())

    def log(self, job_id: int, offset: int = 0) -> LogChunk:
        """Log bytes from ``offset`` (up to 1 MiB a call)."""
        response = self.request("GET", f"{self._job_path(job_id)}/logs", params={"offset": offset})
        next_offset = int(response.headers.get("X-Log-Offset", offset + len(response.content)))
        more = response.headers.get("X-More-Data", "false").lower() == "true"
        return LogChunk(response.content, next_offset, more)

    def full_log(self, job_id: int) -> bytes:
        """The whole log as it is now."""
        data, offset = bytearray(), 0
        while True:
            chunk = self.log(job_id, offset)
            data += chunk.data
            offset = chunk.next_offset
            if not chunk.data or not chunk.more:
                return bytes(data)

    def summary(self, job_id: int) -> BuildSummary | SimulationSummary:
        """The ended job's summary; :class:`NotFound` (saying why) while it has none."""
        return SUMMARY.validate_python(self.request("GET", f"{self._job_path(job_id)}/summary").json())

    def artifacts(self, job_id: int) -> list[Artifact]:
        return self._list(Artifact, f"{self._job_path(job_id)}/artifacts")

    def download_artifact(self, job_id: int, name: str, folder: Path, *, sha256: str | None = None) -> Path:
        """Stream one artifact into ``folder`` under its base name; checks ``sha256`` when given."""
        target = folder / Path(name).name
        folder.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.part")
        digest = hashlib.sha256()
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            with self._http.stream(
                "GET", f"{self._job_path(job_id)}/artifacts/{quote(name)}", headers=headers
            ) as response:
                if response.is_error:
                    response.read()
                    raise error_for_response(response)
                with partial.open("wb") as sink:
                    for block in response.iter_bytes(1 << 16):
                        digest.update(block)
                        sink.write(block)
        except httpx.TransportError as exc:
            partial.unlink(missing_ok=True)
            raise unreachable(self.url, exc) from exc
        if sha256 is not None and digest.hexdigest() != sha256:
            partial.unlink(missing_ok=True)
            raise ServerError(f"artifact '{name}' arrived damaged (SHA-256 mismatch); download it again")
        partial.replace(target)
        return target

    def events(
        self,
        job_id: int,
        since: int = 0,
        *,
        transport: Literal["auto", "websocket", "poll"] = "auto",
        poll_interval: float = 1.0,
    ) -> EventStream:
        """``async for event in client.events(job_id, since=0)``: every event after ``since`` once,
        in order, until ``complete``; reconnects and resumes by ``seq``, falls back to polling."""
        if not self.token:
            raise AuthenticationError("not signed in: no token to open the job's event stream")
        return EventStream(
            self.url,
            self.token,
            job_id,
            since=since,
            transport=transport,
            poll_interval=poll_interval,
            user_agent=USER_AGENT,
        )


def sha256_hex(data: bytes) -> str:
    """The digest the hub reports as a file's ``content_hash`` (to tell what changed)."""
    return hashlib.sha256(data).hexdigest()
