"""``a6hub projects``, ``a6hub project create``, ``a6hub push``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from a6hub.cli.common import fail, human_size, local_files, print_table, say, signed_in_client
from a6hub.client.http import sha256_hex

PUSHED_SUFFIXES = (".v", ".sv", ".vh", ".svh", ".pcf", ".lpf", ".cst", ".ys", ".tcl", ".hex", ".mem")
SKIPPED_FOLDERS = frozenset({"__pycache__", "node_modules"})

project_app = typer.Typer(no_args_is_help=True, help="Create projects.")


def projects() -> None:
    """List your projects."""
    with signed_in_client() as client:
        found = client.projects()
    rows = [
        (p.id, p.slug, p.name, p.visibility, f"{p.updated_at:%Y-%m-%d %H:%M}" if p.updated_at else "")
        for p in found
    ]
    print_table(
        ("ID", "SLUG", "NAME", "VISIBILITY", "UPDATED"),
        rows,
        empty="No projects yet: a6hub project create NAME",
    )


@project_app.command("create")
def create(
    name: str,
    public: Annotated[bool, typer.Option("--public", help="anyone signed in may read it")] = False,
    description: Annotated[str, typer.Option(help="a line about the design")] = "",
) -> None:
    """Create a project (private unless --public); prints its id."""
    with signed_in_client() as client:
        project = client.create_project(name, public=public, description=description)
    say(f"Created {project.visibility} project '{project.name}' (slug {project.slug}, id {project.id}).")
    typer.echo(project.id)


def collect(paths: list[Path]) -> dict[str, Path]:
    """Project path → local file. A folder gives its design files (relative to it); a file, its name."""
    chosen: dict[str, Path] = {}
    for path in paths:
        if path.is_dir():
            found = {
                file.relative_to(path).as_posix(): file
                for file in sorted(path.rglob("*"))
                if file.is_file()
                and file.suffix.lower() in PUSHED_SUFFIXES
                and _visible(file.relative_to(path))
            }
            if not found:
                fail(f"nothing to push in {path}: no {', '.join(PUSHED_SUFFIXES)} files")
        elif path.is_file():
            found = {path.name: path}
        else:
            fail(f"no such file or folder: {path}")
        for name, file in found.items():
            if name in chosen and chosen[name].resolve() != file.resolve():
                fail(f"two files would both be '{name}' in the project: {chosen[name]} and {file}")
            chosen[name] = file
    return chosen


def _visible(relative: Path) -> bool:
    return not any(part.startswith(".") or part in SKIPPED_FOLDERS for part in relative.parts[:-1]) and not (
        relative.name.startswith(".")
    )


def push(
    project: Annotated[str, typer.Argument(help="project id, name or slug")],
    paths: Annotated[list[Path] | None, typer.Argument(help="files or folders", show_default=".")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="only show what would change")] = False,
) -> None:
    """Upload design files; a folder sends its .v/.sv/.vh/.pcf/... files. Shows what changed."""
    with local_files():
        local = collect(paths or [Path(".")])
    with signed_in_client() as client, local_files():
        target = client.project(project)
        remote = {found.path: found.content_hash for found in client.files(target.id)}
        counts = {"new": 0, "changed": 0, "unchanged": 0}
        for name, file in sorted(local.items()):
            content = file.read_bytes()
            state = (
                "new"
                if name not in remote
                else "unchanged"
                if remote[name] == sha256_hex(content)
                else "changed"
            )
            counts[state] += 1
            if state == "unchanged":
                continue
            if not dry_run:
                client.put_file(target.id, name, content)
            typer.echo(f"{state:<8} {name} ({human_size(len(content))})")
    verb = "would push" if dry_run else "pushed"
    sent = counts["new"] + counts["changed"]
    say(
        f"{verb} {sent} file{'s' if sent != 1 else ''} to {target.slug} "
        f"({counts['new']} new, {counts['changed']} changed, {counts['unchanged']} unchanged)"
    )
