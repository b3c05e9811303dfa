"""The project's files in the work directory, and which of them a tool reads."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from a6hub.adapters.flows.base import FlowError, SourceFile
from a6hub.domain.errors import InvalidInput
from a6hub.domain.paths import is_hdl_source, normalize_path

SOURCE_DIR = "src"

# Comments and string literals are matched whole, so an `include inside them is skipped.
_INCLUDE_OR_SKIPPED = re.compile(
    rb'`include\s*(?:"([^"\n]*)"|<([^>\n]*)>|(\S*))|//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"', re.DOTALL
)
_TESTBENCH = re.compile(
    r"(^|/)(tb|tbs|test|tests|testbench|testbenches|sim)/"
    r"|(^|/)(tb_[^/]*|[^/]*_tb|testbench[^/]*|[^/]*_testbench)\.s?v$",
    re.IGNORECASE,
)


def copy_step(log: Callable[..., None], sources: list[SourceFile], workdir: Path) -> list[str]:
    """Write the sources (see :func:`write_sources`) and list them in the log."""
    written = write_sources(sources, workdir)
    sizes = {f"{SOURCE_DIR}/{_normalized(source.path)}": len(source.content) for source in sources}
    listing = (f"  {name} ({sizes[name]} bytes)" for name in written)
    log(f"Copied {len(written)} file(s) into {SOURCE_DIR}/:", *listing)
    return written


def write_sources(sources: list[SourceFile], workdir: Path) -> list[str]:
    """Write every file under ``workdir/src`` keeping its folders; return their workdir paths."""
    root = (workdir / SOURCE_DIR).resolve()
    written = []
    for source in sources:
        relative = _normalized(source.path)
        check_includes(relative, source.content)
        target = root / relative
        if root not in target.resolve().parents:
            raise FlowError(f"file '{source.path}' would be written outside the project")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.content)
        written.append(f"{SOURCE_DIR}/{relative}")
    return written


def check_includes(path: str, content: bytes) -> None:
    """Reject `` `include`` of files outside the project, before any tool can read them.

    iverilog runs natively, so this is its only guard; the WebAssembly tools are also
    confined to the work directory by the runtime.
    """
    if b"`include" not in content:
        return
    for match in _INCLUDE_OR_SKIPPED.finditer(content):
        if not match.group(0).startswith(b"`include"):
            continue
        quoted, angled, other = match.groups()
        target = quoted if quoted is not None else angled if angled is not None else other or b""
        name = target.decode("utf-8", errors="replace")
        if quoted is None and angled is None:
            raise FlowError(
                f"{path}: `include {name} is not supported: write the file name in double quotes, "
                'e.g. `include "defs.vh"'
            )
        if name.startswith("/") or ".." in name.split("/") or "\\" in name:
            raise FlowError(
                f"{path}: `include of '{name}' is outside the project: use a path relative to "
                'the project root or to the including file, without "..", e.g. `include "common/defs.vh"'
            )


def select_hdl(files: list[str] | None, sources: list[SourceFile], *, skip_testbenches: bool) -> list[str]:
    """The Verilog files to compile, as workdir paths: ``files`` if given, else all sources.

    Builds skip files that look like testbenches (``*_tb.v``, ``tb/``...) unless listed.
    """
    available = {_normalized(source.path) for source in sources}
    if files:
        missing = [name for name in files if name not in available]
        if missing:
            raise FlowError(f"config.files names '{missing[0]}', which is not a file of the project")
        chosen = files
    else:
        chosen = sorted(name for name in available if is_hdl_source(name))
        if skip_testbenches:
            chosen = [name for name in chosen if not is_testbench(name)]
    if not chosen:
        raise FlowError("the project has no Verilog sources to compile (files ending in .v or .sv)")
    return [f"{SOURCE_DIR}/{name}" for name in chosen]


def is_testbench(path: str) -> bool:
    return _TESTBENCH.search(path) is not None


def find_source(name: str, sources: list[SourceFile], what: str) -> str:
    """The workdir path of project file ``name``, or a :class:`FlowError` naming ``what`` it is."""
    wanted = _normalized(name)
    if any(_normalized(source.path) == wanted for source in sources):
        return f"{SOURCE_DIR}/{wanted}"
    raise FlowError(f"the {what} '{name}' is not a file of the project: upload it or fix config")


def _normalized(path: str) -> str:
    try:
        return normalize_path(path)
    except InvalidInput as exc:
        raise FlowError(f"file '{path}': {exc.message}") from exc
