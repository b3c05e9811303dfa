"""Shared by the client commands: the signed-in client, one-line errors, exit codes, plain tables."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console
from rich.table import Table

from a6hub.client import config
from a6hub.client.errors import (
    WRONG_PASSWORD,
    A6hubError,
    AuthenticationError,
    HubUnreachable,
    InvalidRequest,
    NotFound,
    PermissionDenied,
    ServerError,
)
from a6hub.client.http import Client

EXIT_OK = 0
EXIT_FAILED = 1  # the job failed
EXIT_ERROR = 2  # usage, sign-in, connection, permission, not found
EXIT_CANCELLED = 3  # the job was cancelled
EXIT_INTERRUPTED = 130  # Ctrl-C while watching (the job goes on)


def is_tty() -> bool:
    return sys.stdout.isatty()


def say(message: str) -> None:
    """A remark for the person at the terminal: on stderr, so stdout stays the command's data."""
    typer.echo(message, err=True)


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    typer.echo(f"a6hub: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def local_files() -> Iterator[None]:
    """A local file that cannot be read or written is one line too (not a traceback)."""
    try:
        yield
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        fail(f"{where}{exc.strerror or exc}")


def describe(error: A6hubError) -> str:
    """One line that says what went wrong and what to do about it."""
    message = error.message.rstrip(".")
    if isinstance(error, HubUnreachable):
        return f"{message}; is it running? Sign in elsewhere with `a6hub login --url URL` or set A6HUB_URL"
    if isinstance(error, AuthenticationError):
        if error.code == WRONG_PASSWORD:
            return "wrong username or password; check them and run `a6hub login` again"
        return f"not signed in, or the session expired ({message}): run `a6hub login`"
    if isinstance(error, PermissionDenied):
        return f"permission denied: {message}"
    if isinstance(error, NotFound):
        return f"{message} (`a6hub projects` lists your projects, `a6hub jobs PROJECT` their jobs)"
    if isinstance(error, InvalidRequest):
        return f"the hub refused: {message}"
    if isinstance(error, ServerError):
        return f"the hub failed: {message}; try again in a moment"
    return message


def signed_in_client() -> Client:
    """A client for the configured hub with a token, or a one-line 'sign in first'."""
    credentials = config.resolve()
    if not credentials.token:
        fail(f"not signed in to {credentials.url}: run `a6hub login` (or set A6HUB_TOKEN)")
    return Client(credentials.url, credentials.token)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, empty: str) -> None:
    """A rich table on a terminal; tab-separated lines (no header) in a pipe, for scripts."""
    if not rows:
        say(empty)
        return
    if not is_tty():
        for row in rows:
            typer.echo("\t".join("" if cell is None else str(cell) for cell in row))
        return
    table = Table(box=None, header_style="bold", pad_edge=False)
    for header in headers:
        table.add_column(header)
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    Console(highlight=False).print(table)


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB"):
        if value < 1024 or unit == "MiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"
