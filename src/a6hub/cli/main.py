"""The ``a6hub`` command."""

from __future__ import annotations

import typer

from a6hub.cli import server

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="a6hub: build and simulate Verilog, and watch it live.",
)
app.command()(server.up)
app.command()(server.api)
app.command()(server.worker)


def main() -> None:
    app()
