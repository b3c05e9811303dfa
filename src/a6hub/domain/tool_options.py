"""The tools' own options a job may pass, per FPGA family, and the checks on every value.

Everything here ends up as one argv item of a tool (never through a shell) or as a token of
a yosys script line; the patterns keep values to plain tokens so none can start another
option, another script command (``;``), a comment (``#``) or a new line.

To add a family, add its name to the tables below: ``SYNTH_OPTIONS`` (the flags of its
``synth_<family>`` that are safe to pass), ``PNR_FLAGS`` (nextpnr switches without a value)
and ``PNR_VALUES`` (nextpnr options with one value, and what the value may be). A family's
flow must hand the pnr options to its nextpnr (``adapters.flows.tool_args.nextpnr_options``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo

from a6hub.domain.errors import InvalidInput
from a6hub.domain.families import family_of_device
from a6hub.domain.paths import normalize_path

DEFAULT_FAMILY = "ice40"
KNOWN_FAMILIES = ("ice40", "ecp5", "gowin")

# Flags of synth_ice40 (yosys 0.5x-0.7x). -abc9 and -retime are accepted for old Makefiles;
# -abc2 is not: current yosys refuses it. -device, -top and outputs have their own config.
SYNTH_OPTIONS: dict[str, tuple[str, ...]] = {
    "ice40": (
        "-dsp",
        "-abc9",
        "-retime",
        "-noflatten",
        "-nobram",
        "-nocarry",
        "-nodffe",
        "-spram",
        "-dff",
        "-noabc",
        "-no-rw-check",
    ),
    # synth_ecp5 (synth_lattice -family ecp5); I/O pad options are left out: nextpnr needs the defaults.
    "ecp5": (
        "-nodsp",
        "-abc9",
        "-noflatten",
        "-dff",
        "-noccu2",
        "-nodffe",
        "-nobram",
        "-nolutram",
        "-nowidelut",
        "-no-rw-check",
    ),
    "gowin": (
        "-nodsp",
        "-noflatten",
        "-nodffe",
        "-nobram",
        "-nolutram",
        "-nowidelut",
        "-noalu",
        "-setundef",
        "-no-rw-check",
    ),
}

# nextpnr switches, from each nextpnr's --help (nextpnr 0.8-0.10): --opt-timing is iCE40's only.
PNR_FLAGS: dict[str, tuple[str, ...]] = {
    "ice40": (
        "--timing-allow-fail",
        "--opt-timing",
        "--pcf-allow-unconstrained",
        "--ignore-loops",
        "--no-promote-globals",
        "--tmg-ripup",
    ),
    "ecp5": (
        "--timing-allow-fail",
        "--lpf-allow-unconstrained",
        "--ignore-loops",
        "--no-promote-globals",
        "--no-tmdriv",
        "--tmg-ripup",
    ),
    "gowin": ("--timing-allow-fail", "--ignore-loops", "--no-tmdriv", "--tmg-ripup"),
}


def _seed(value: str) -> str | None:
    if re.fullmatch(r"-?[0-9]{1,10}", value) and abs(int(value)) < 2**31:
        return str(int(value))
    return None


def _one_of(*allowed: str) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        return value if value in allowed else None

    check.__doc__ = " | ".join(allowed)
    return check


_seed.__doc__ = "an integer"

_COMMON_PNR_VALUES: dict[str, Callable[[str], str | None]] = {
    "--seed": _seed,
    "--placer": _one_of("heap", "sa"),
    "--router": _one_of("router1", "router2"),
}
PNR_VALUES: dict[str, dict[str, Callable[[str], str | None]]] = {
    "ice40": _COMMON_PNR_VALUES,
    "ecp5": _COMMON_PNR_VALUES,
    "gowin": _COMMON_PNR_VALUES,
}

GENERATIONS = ("2001", "2005", "2005-sv", "2009", "2012")
Generation = Annotated[
    Literal["2001", "2005", "2005-sv", "2009", "2012"],
    BeforeValidator(lambda value: str(value) if isinstance(value, int) else value),
]
Waveform = Literal["vcd", "fst"]

MAX_ITEMS = 64
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
# A define's value: a number (decimal or sized, e.g. 8'hFF), or an identifier-like token.
_DEFINE_VALUE = re.compile(r"(?:[0-9]{0,10}'[sS]?[bBoOdDhH][0-9a-fA-FxXzZ_?]{1,64}|[A-Za-z0-9_.]{1,64})?")
# A parameter's value: a decimal integer (may be negative) or a sized number.
_PARAMETER_VALUE = re.compile(r"-?[0-9]{1,19}|[0-9]{0,10}'[sS]?[bBoOdDhH][0-9a-fA-FxXzZ_?]{1,64}")
_PLUSARG = re.compile(r"\+[A-Za-z_][A-Za-z0-9_]{0,63}(?:=[A-Za-z0-9_.,:/+-]{0,128})?")
_FOLDER = re.compile(r"[A-Za-z0-9_.+@,=~/-]+")


def _family(info: ValidationInfo) -> str:
    """The family a build targets: its family-named ``flow``, or for "synth" its device's family."""
    flow, device = info.data.get("flow"), info.data.get("device")
    if isinstance(flow, str) and flow in KNOWN_FAMILIES:
        return flow
    family = family_of_device(device) if isinstance(device, str) else None
    return family.name if family else DEFAULT_FAMILY


def _allowed(options: tuple[str, ...] | list[str], family: str) -> str:
    if not options:
        return f"none yet for the {family} family"
    return f"allowed: {', '.join(options)}"


def check_synth_options(options: list[str], info: ValidationInfo) -> list[str]:
    family = _family(info)
    allowed = SYNTH_OPTIONS.get(family, ())
    for option in options:
        if option not in allowed:
            raise ValueError(f"'{_shown(option)}' is not allowed; {_allowed(allowed, family)}")
    _no_repeats(options)
    return options


def check_pnr_options(options: list[str], info: ValidationInfo) -> list[str]:
    """Normalise ``["--seed", "7"]`` and ``["--seed=7"]`` alike to ``["--seed=7"]``."""
    family = _family(info)
    flags, valued = PNR_FLAGS.get(family, ()), PNR_VALUES.get(family, {})
    normalized: list[str] = []
    items = iter(options)
    for item in items:
        name, has_value, value = item.partition("=")
        if name in flags and not has_value:
            normalized.append(name)
        elif name in valued:
            value = value if has_value else next(items, "")
            checked = valued[name](value)
            if checked is None:
                raise ValueError(f"{name} takes {valued[name].__doc__}, not '{_shown(value)}'")
            normalized.append(f"{name}={checked}")
        else:
            allowed = [*flags, *(f"{name} <{check.__doc__}>" for name, check in valued.items())]
            raise ValueError(f"'{_shown(item)}' is not allowed; {_allowed(allowed, family)}")
    _no_repeats([item.partition("=")[0] for item in normalized])
    return normalized


def pnr_argv(options: list[str]) -> list[str]:
    """Normalised pnr options as nextpnr argv items: ``--seed=7`` becomes ``--seed``, ``7``."""
    argv: list[str] = []
    for option in options:
        name, has_value, value = option.partition("=")
        argv += [name, value] if has_value else [name]
    return argv


def check_defines(defines: dict[str, str]) -> dict[str, str]:
    _check_names(defines)
    for name, value in defines.items():
        if not _DEFINE_VALUE.fullmatch(value):
            raise ValueError(
                f"the value of {name} must be a number (such as 42 or 8'hFF) or a plain word of "
                f"letters, digits, '_' and '.', not '{_shown(value)}'"
            )
    return defines


def check_parameters(parameters: dict[str, str]) -> dict[str, str]:
    _check_names(parameters)
    for name, value in parameters.items():
        if not _PARAMETER_VALUE.fullmatch(value):
            raise ValueError(
                f"the value of {name} must be a number such as 42, -1 or 8'hFF, not '{_shown(value)}'"
            )
    return parameters


def check_plusargs(plusargs: list[str]) -> list[str]:
    for plusarg in plusargs:
        if not _PLUSARG.fullmatch(plusarg):
            raise ValueError(
                f"'{_shown(plusarg)}' is not a plusarg: write +name or +name=value (value of letters, "
                "digits and _ . , : / + -)"
            )
    return plusargs


def check_include_dirs(folders: list[str]) -> list[str]:
    checked = []
    for folder in folders:
        try:
            path = normalize_path(folder)
        except InvalidInput as exc:
            raise ValueError(exc.message.replace("file path", "folder")) from exc
        if not _FOLDER.fullmatch(path):
            raise ValueError(
                f"the folder '{_shown(folder)}' has characters the tools cannot take: "
                "use letters, digits and _ - . + @ , = ~"
            )
        checked.append(path)
    _no_repeats(checked)
    return checked


def missing_folders(folders: list[str], project_paths: set[str]) -> list[str]:
    """The folders of ``folders`` that hold no file of the project."""
    return [folder for folder in folders if not any(path.startswith(folder + "/") for path in project_paths)]


def check_include_dirs_exist(folders: list[str], project_paths: set[str]) -> None:
    if missing := missing_folders(folders, project_paths):
        raise InvalidInput(
            f"config.include_dirs: no such folder in the project: {', '.join(missing)}",
            field="config.include_dirs",
        )


def _check_names(values: Mapping[str, str]) -> None:
    if len(values) > MAX_ITEMS:
        raise ValueError(f"at most {MAX_ITEMS} entries")
    for name in values:
        if not _NAME.fullmatch(name):
            raise ValueError(
                f"'{_shown(name)}' is not a Verilog name: start with a letter or '_', "
                "then letters, digits and '_' (up to 64)"
            )


def _numbers_as_text(values: object) -> object:
    """``{"WIDTH": 8}`` in JSON means ``{"WIDTH": "8"}``."""
    if not isinstance(values, dict):
        return values
    return {
        name: str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        for name, value in values.items()
    }


def _no_repeats(items: list[str]) -> None:
    repeated = sorted({item for item in items if items.count(item) > 1})
    if repeated:
        raise ValueError(f"given more than once: {', '.join(repeated)}")


def _shown(value: str) -> str:
    """A value quoted in an error message, without control characters and cut short."""
    cleaned = "".join(char if char.isprintable() else "?" for char in value)
    return cleaned if len(cleaned) <= 40 else cleaned[:40] + "..."


SynthOptions = Annotated[list[str], Field(max_length=MAX_ITEMS), AfterValidator(check_synth_options)]
PnrOptions = Annotated[list[str], Field(max_length=MAX_ITEMS), AfterValidator(check_pnr_options)]
Defines = Annotated[dict[str, str], BeforeValidator(_numbers_as_text), AfterValidator(check_defines)]
Parameters = Annotated[dict[str, str], BeforeValidator(_numbers_as_text), AfterValidator(check_parameters)]
Plusargs = Annotated[list[str], Field(max_length=MAX_ITEMS), AfterValidator(check_plusargs)]
IncludeDirs = Annotated[list[str], Field(max_length=MAX_ITEMS), AfterValidator(check_include_dirs)]
