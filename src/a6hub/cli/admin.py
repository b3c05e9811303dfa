"""``a6hub admin create`` and ``a6hub admin promote``: run where the hub runs, with its settings.

These commands write to the hub's database directly (the ``A6HUB_*`` variables say which one),
so only whoever runs the hub can make an administrator.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from a6hub.adapters.db.engine import Database
from a6hub.adapters.passwords import Passwords
from a6hub.bootstrap import AdminOutcome, create_admin, promote
from a6hub.cli.common import fail, say
from a6hub.config import ConfigurationError, get_settings
from a6hub.domain.errors import Conflict

PASSWORD_ENV = "A6HUB_ADMIN_PASSWORD"  # noqa: S105 - the variable's name, not a password

admin_app = typer.Typer(
    no_args_is_help=True, help="Make administrators (run on the hub's machine, with its A6HUB_* settings)."
)


def _database() -> Database:
    db = Database(get_settings().database_url)
    db.migrate()
    return db


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@admin_app.command("create")
def create(
    username: Annotated[str, typer.Argument(help="the new administrator's username")],
    email: Annotated[str, typer.Option("--email", help="the new administrator's email")],
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin", help=f"read the password from stdin (else {PASSWORD_ENV}, else asks)"
        ),
    ] = False,
) -> None:
    """Create an administrator account."""
    password = _password(password_stdin)
    db = _database()
    passwords = Passwords(1)
    try:
        create_admin(db, passwords, username=username, email=email, password=password)
    except ConfigurationError as exc:
        fail(str(exc))
    except Conflict as exc:
        hint = f"; 'a6hub admin promote {username}' makes an existing account an administrator"
        fail(exc.message + (hint if exc.field == "username" else ""))
    finally:
        passwords.close()
        db.dispose()
    say(f"Created administrator {username} <{email}>.")


@admin_app.command("promote")
def promote_command(username: Annotated[str, typer.Argument(help="an existing account's username")]) -> None:
    """Make an existing account an administrator."""
    db = _database()
    try:
        outcome = promote(db, username)
    except LookupError as exc:
        fail(str(exc))
    finally:
        db.dispose()
    say(
        f"{username} is now an administrator."
        if outcome is AdminOutcome.PROMOTED
        else f"{username} is {outcome}."
    )
