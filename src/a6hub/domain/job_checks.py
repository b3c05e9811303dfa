"""Checks of a job's config against the project's files, before the job is queued."""

from __future__ import annotations

import re
from collections.abc import Callable

from a6hub.domain.errors import InvalidInput
from a6hub.domain.job_config import BuildConfig, SimulationConfig
from a6hub.domain.paths import is_hdl_source
from a6hub.domain.tool_options import check_include_dirs_exist


def selected_sources(config: BuildConfig | SimulationConfig, project_paths: set[str]) -> list[str]:
    """The HDL files a job compiles: the config's ``files``, or every .v/.sv of the project."""
    if config.files is None:
        return sorted(path for path in project_paths if is_hdl_source(path))
    missing = [path for path in config.files if path not in project_paths]
    if missing:
        raise InvalidInput(f"config.files: not in the project: {', '.join(missing)}", field="config.files")
    return list(config.files)


def check_against_project(
    config: BuildConfig | SimulationConfig, project_paths: set[str], read: Callable[[str], bytes]
) -> None:
    sources = selected_sources(config, project_paths)
    if not any(is_hdl_source(path) for path in sources):
        raise InvalidInput(
            "config.files: the project has no Verilog (.v/.sv) files to compile", field="config.files"
        )
    check_include_dirs_exist(config.include_dirs, project_paths)
    if isinstance(config, BuildConfig) and config.pcf is not None and config.pcf not in project_paths:
        raise InvalidInput(f"config.pcf: '{config.pcf}' is not a file of the project", field="config.pcf")
    if config.top is None:
        raise InvalidInput(
            "config.top: name the top module (the testbench for a simulation)", field="config.top"
        )
    declares_top = re.compile(rb"\bmodule\s+" + re.escape(config.top.encode()) + rb"\b")
    if not any(declares_top.search(read(path)) for path in sources):
        raise InvalidInput(
            f"config.top: no module named '{config.top}' in {', '.join(sources)}", field="config.top"
        )
