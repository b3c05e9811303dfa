"""Flags for the tools' own options on ``a6hub build`` and ``a6hub simulate``.

The hub checks every value (allow-lists, plain tokens); here they only become config keys.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

SynthOptionOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--synth-option",
        metavar="FLAG",
        help="a flag of synth_<family>, e.g. -dsp (iCE40) or -nodsp (repeat; write --synth-option=-dsp)",
    ),
]
PnrOptionOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--pnr-option",
        metavar="OPTION",
        help="a nextpnr option such as --seed=7, --placer=sa or --opt-timing (repeat for more)",
    ),
]
FileOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--file",
        metavar="PATH",
        help="a source file, in the order the tools read them (repeat; default: all, sorted by path)",
    ),
]
DefineOpt = Annotated[
    list[str] | None,
    typer.Option("--define", "-D", metavar="NAME[=VALUE]", help="a Verilog `define (repeat for more)"),
]
IncludeDirOpt = Annotated[
    list[str] | None,
    typer.Option("--include-dir", "-I", metavar="FOLDER", help="a project folder searched by `include"),
]
ParamOpt = Annotated[
    list[str] | None,
    typer.Option("--param", "-P", metavar="NAME=VALUE", help="a parameter of the top module (a number)"),
]
PlusargOpt = Annotated[
    list[str] | None,
    typer.Option("--plusarg", metavar="+NAME[=VALUE]", help="a plusarg for the testbench, e.g. +vcd"),
]
GenerationOpt = Annotated[
    str | None,
    typer.Option(help="Verilog generation: 2001, 2005, 2005-sv, 2009 or 2012", show_default="2012"),
]
WaveformOpt = Annotated[
    str | None, typer.Option(help="waveform format written by $dumpfile: vcd or fst", show_default="vcd")
]


def hdl_config(
    files: list[str] | None,
    defines: list[str] | None,
    include_dirs: list[str] | None,
    params: list[str] | None,
) -> dict[str, Any]:
    """The config keys both job types share; ``None`` for what was not given."""
    return {
        "files": files or None,
        "defines": assignments(defines, "--define", value_required=False),
        "include_dirs": include_dirs or None,
        "parameters": assignments(params, "--param", value_required=True),
    }


def assignments(items: list[str] | None, flag: str, *, value_required: bool) -> dict[str, str] | None:
    """``["A=1", "B"]`` as ``{"A": "1", "B": ""}``; a missing required value is a usage error."""
    if not items:
        return None
    result: dict[str, str] = {}
    for item in items:
        name, has_value, value = item.partition("=")
        if value_required and not has_value:
            raise typer.BadParameter(f"write {flag} NAME=VALUE, not '{item}'", param_hint=flag)
        result[name] = value
    return result
