"""First start of a hub: schema migrations and the demo account with its blinky project."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from a6hub.adapters.db.engine import Database
from a6hub.adapters.db.files import put_file
from a6hub.adapters.db.projects import create_project
from a6hub.adapters.db.users import create_user, find_user
from a6hub.config import Settings
from a6hub.domain.access import Visibility

DEMO_FILES = ("blinky.v", "blinky_tb.v", "icebreaker.pcf")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    created: bool


def ensure_demo_account(db: Database, settings: Settings) -> DemoAccount:
    """Create the demo user and its 'blinky' project once; later starts leave them as they are."""
    with db.session() as session:
        if find_user(session, settings.demo_user) is not None:
            return DemoAccount(settings.demo_user, settings.demo_password, created=False)
        user = create_user(
            session,
            email=f"{settings.demo_user}@example.com",
            username=settings.demo_user,
            password=settings.demo_password,
            is_admin=True,
        )
        project = create_project(
            session,
            owner_id=user.id,
            name="blinky",
            description="iCE40 blinky for the iCEBreaker (UP5K, sg48), with a testbench",
            visibility=Visibility.PUBLIC,
        )
        demo = resources.files("a6hub.demo")
        for name in DEMO_FILES:
            content = demo.joinpath(name).read_bytes()
            put_file(session, project, name, content, max_bytes=settings.max_file_bytes, max_files=10)
    return DemoAccount(settings.demo_user, settings.demo_password, created=True)
