"""The ``a6hub`` command: the hub's server roles, and a client for everything the web app does."""

from __future__ import annotations

import sys

import typer

from a6hub.cli import account, admin, jobs, projects, server, watch
from a6hub.cli.common import EXIT_ERROR, EXIT_INTERRUPTED, describe
from a6hub.client.errors import A6hubError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="a6hub: build and simulate Verilog, and watch it live.",
    pretty_exceptions_show_locals=False,  # locals may hold a token or a password
)
app.command(rich_help_panel="Running a hub")(server.up)
app.command(rich_help_panel="Running a hub")(server.api)
app.command(rich_help_panel="Running a hub")(server.worker)
app.add_typer(admin.admin_app, name="admin", rich_help_panel="Running a hub")

app.command(rich_help_panel="Account")(account.login)
app.command(rich_help_panel="Account")(account.logout)
app.command(rich_help_panel="Account")(account.whoami)
app.command(rich_help_panel="Projects")(projects.projects)
app.add_typer(projects.project_app, name="project", rich_help_panel="Projects")
app.command(rich_help_panel="Projects")(projects.push)
app.command(rich_help_panel="Jobs")(jobs.build)
app.command(rich_help_panel="Jobs")(jobs.simulate)
app.command(rich_help_panel="Jobs")(watch.watch)
app.command(rich_help_panel="Jobs")(jobs.logs)
app.command(name="jobs", rich_help_panel="Jobs")(jobs.jobs)
app.command(rich_help_panel="Jobs")(jobs.cancel)
app.command(rich_help_panel="Jobs")(jobs.artifacts)


def main() -> None:
    """Run the command; a hub error becomes one line on stderr and exit code 2, never a traceback."""
    try:
        app()
    except A6hubError as exc:
        print(f"a6hub: {describe(exc)}", file=sys.stderr)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)
