"""The hub from Python: a typed REST client and the live events of a job.

```python
import asyncio
from a6hub.client import Client

async def main() -> None:
    with Client.from_config() as client:          # what `a6hub login` stored, or A6HUB_URL/A6HUB_TOKEN
        project = client.project("blinky")
        job = client.build(project.id, top="top", device="up5k", package="sg48", pcf="icebreaker.pcf")
        async for event in client.events(job.id, since=0):
            if event.type == "log":
                print(event.log_line, end="")
            elif event.type == "complete":
                print(event.data["status"], event.data["message"])

asyncio.run(main())
```
"""

from a6hub.client.config import Credentials
from a6hub.client.errors import (
    A6hubError,
    AuthenticationError,
    HubUnreachable,
    InvalidRequest,
    NotFound,
    PermissionDenied,
    ServerError,
)
from a6hub.client.events import EventStream
from a6hub.client.http import Client
from a6hub.client.models import (
    Artifact,
    BuildSummary,
    Event,
    Job,
    JobPage,
    LogChunk,
    Project,
    ProjectFile,
    SimulationSummary,
    User,
)

__all__ = [
    "A6hubError",
    "Artifact",
    "AuthenticationError",
    "BuildSummary",
    "Client",
    "Credentials",
    "Event",
    "EventStream",
    "HubUnreachable",
    "InvalidRequest",
    "Job",
    "JobPage",
    "LogChunk",
    "NotFound",
    "PermissionDenied",
    "Project",
    "ProjectFile",
    "ServerError",
    "SimulationSummary",
    "User",
]
