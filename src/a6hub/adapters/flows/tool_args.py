"""A job's tool options (validated in :mod:`a6hub.domain.tool_options`) as argv items and script tokens.

Nothing here goes through a shell. Values were checked to be plain tokens, so in a yosys
script they need no quoting; every one is checked again here before it is written there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from a6hub.adapters.flows.base import FlowError
from a6hub.adapters.flows.context import FlowContext
from a6hub.adapters.flows.sources import SOURCE_DIR
from a6hub.domain.job_config import BuildConfig, SimulationConfig
from a6hub.domain.tool_options import pnr_argv

# What a yosys script token may hold: no whitespace, quotes, ';', '#' or '$'.
_SCRIPT_TOKEN = re.compile(r"[A-Za-z0-9_.'=+,:/?@~-]+")


@dataclass(frozen=True, slots=True)
class ScriptExtras:
    """What a job adds to the yosys script: ``read_verilog`` flags, lines after it, synth flags."""

    read_flags: list[str] = field(default_factory=list)
    after_read: list[str] = field(default_factory=list)
    synth_flags: list[str] = field(default_factory=list)


NO_EXTRAS = ScriptExtras()


def yosys_extras(config: BuildConfig) -> ScriptExtras:
    """Defines and include folders for ``read_verilog``, parameters via ``chparam``, synth flags."""
    if config.parameters and not config.top:
        raise FlowError("config.parameters: name the top module (config.top) whose parameters to set")
    chparams = [
        " ".join(_tokens("chparam", "-set", name, value, str(config.top)))
        for name, value in config.parameters.items()
    ]
    return ScriptExtras(
        read_flags=_tokens(*define_flags(config.defines), *include_flags(config.include_dirs)),
        after_read=chparams,
        synth_flags=_tokens(*config.synth_options),
    )


# The flows pass these themselves when there is no constraints file.
_ADDED_WITHOUT_CONSTRAINTS = ("--pcf-allow-unconstrained", "--lpf-allow-unconstrained")


def nextpnr_options(config: BuildConfig, *, has_constraints: bool) -> list[str]:
    """The job's pnr_options as argv items (``--pcf-allow-unconstrained`` once at most)."""
    argv = pnr_argv(config.pnr_options)
    if not has_constraints:
        argv = [item for item in argv if item not in _ADDED_WITHOUT_CONSTRAINTS]
    return argv


def iverilog_flags(config: SimulationConfig) -> list[str]:
    """``-g``, ``-D``, ``-I`` and ``-P<top>.<name>=<value>`` items for iverilog."""
    parameters = [f"-P{config.top}.{name}={value}" for name, value in config.parameters.items()]
    return [
        f"-g{config.generation}",
        *define_flags(config.defines),
        *include_flags(config.include_dirs),
        *parameters,
    ]


def vvp_extended_args(config: SimulationConfig) -> list[str]:
    """What follows the compiled file on vvp's command line: ``-fst`` and the plusargs."""
    return (["-fst"] if config.waveform == "fst" else []) + list(config.plusargs)


def define_flags(defines: dict[str, str]) -> list[str]:
    return [f"-D{name}={value}" if value else f"-D{name}" for name, value in defines.items()]


def include_flags(folders: list[str]) -> list[str]:
    return [f"-I{SOURCE_DIR}/{folder}" for folder in folders]


def check_include_dirs(folders: list[str], workdir: Path) -> None:
    """Every include folder must be a folder of the project as copied for this job."""
    missing = [folder for folder in folders if not (workdir / SOURCE_DIR / folder).is_dir()]
    if missing:
        raise FlowError(
            f"config.include_dirs: no such folder in the project: {', '.join(missing)} "
            "(upload files into it or remove it from config.include_dirs)"
        )


def announce_sources(ctx: FlowContext, files: list[str]) -> None:
    """Say in the log which files the tools read, in their order; reports.json keeps the list."""
    ctx.sources = project_paths(files)
    ctx.log(f"Sources, in this order: {', '.join(ctx.sources)}")


def project_paths(files: list[str]) -> list[str]:
    """Workdir paths (``src/a/b.v``) as the project's paths (``a/b.v``)."""
    return [name.removeprefix(f"{SOURCE_DIR}/") for name in files]


def _tokens(*tokens: str) -> list[str]:
    for token in tokens:
        if not _SCRIPT_TOKEN.fullmatch(token):
            raise FlowError(f"'{token}' cannot be written into a yosys script")
    return list(tokens)
