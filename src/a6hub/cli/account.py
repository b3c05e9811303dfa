"""``a6hub login``, ``logout`` (``--everywhere``), ``whoami``: the token lives in the config dir
(0600), never on screen."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from a6hub.cli.common import fail, local_files, say, signed_in_client
from a6hub.client import config
from a6hub.client.http import Client


def login(
    url: Annotated[
        str | None,
        typer.Option(
            help="the hub's address", show_default="A6HUB_URL or the last hub used or http://127.0.0.1:8000"
        ),
    ] = None,
    username: Annotated[str | None, typer.Option("--username", "-u", help="username or email")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from stdin (for scripts)")
    ] = False,
) -> None:
    """Sign in to a hub; asks for the password and keeps the token for the other commands."""
    hub = config.normalize_url(url or config.resolve().url)
    if password_stdin:
        if not username:
            fail("--password-stdin needs --username", code=2)
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        username = username or typer.prompt("Username")
        password = typer.prompt("Password", hide_input=True)
    if not password:
        fail("the password is empty")
    assert username is not None
    with Client(hub) as client:
        token = client.login(username, password)
        user = client.me()
    with local_files():
        path = config.save(config.Credentials(url=hub, token=token, username=user.username))
    say(f"Signed in to {hub} as {user.username} (credentials in {path}).")


def logout(
    everywhere: Annotated[
        bool,
        typer.Option("--everywhere", help="end every session of the account on the hub, on all devices"),
    ] = False,
) -> None:
    """Forget the stored token; with --everywhere, first revoke every token of the account."""
    if everywhere:
        with signed_in_client() as client:
            client.logout_all()
            say(f"Every session of this account at {client.url} has ended.")
    stored = config.load_stored()
    if config.forget() and stored is not None:
        say(f"Signed out of {stored.url}.")
    elif not everywhere:
        say("Not signed in.")


def whoami() -> None:
    """Who the stored token (or A6HUB_TOKEN) belongs to, on which hub."""
    with signed_in_client() as client:
        user = client.me()
        typer.echo(f"{user.username} <{user.email}> at {client.url}")
