"""The tools' options a job may pass: allow-lists, value checks and normalisation (no tools run)."""

from __future__ import annotations

from typing import Any

import pytest

from a6hub.domain.errors import InvalidInput
from a6hub.domain.job_config import BuildConfig, SimulationConfig, parse_job_config
from a6hub.domain.jobs import JobType
from a6hub.domain.tool_options import SYNTH_OPTIONS, check_include_dirs_exist, pnr_argv

INJECTIONS = ['A"; exec', "$(x)", "a\nb", "1;shell", "`x`", "-o/etc/passwd", "x y", "1 # c", ""]


def build(**config: Any) -> BuildConfig:
    parsed = parse_job_config(JobType.BUILD, {"top": "top", **config})
    assert isinstance(parsed, BuildConfig)
    return parsed


def simulation(**config: Any) -> SimulationConfig:
    parsed = parse_job_config(JobType.SIMULATION, {"top": "tb", **config})
    assert isinstance(parsed, SimulationConfig)
    return parsed


def refused(job_type: JobType, config: dict[str, Any]) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        parse_job_config(job_type, {"top": "top", **config})
    return caught.value


def test_defaults_change_nothing() -> None:
    config = build()
    assert (config.synth_options, config.pnr_options, config.defines, config.parameters) == ([], [], {}, {})
    assert config.include_dirs == []
    sim = simulation()
    assert (sim.plusargs, sim.generation, sim.waveform) == ([], "2012", "vcd")


def test_every_listed_synth_option_is_accepted() -> None:
    assert build(synth_options=["-dsp", "-abc9", "-nobram"]).synth_options == ["-dsp", "-abc9", "-nobram"]
    assert build(synth_options=list(SYNTH_OPTIONS["ice40"])).synth_options == list(SYNTH_OPTIONS["ice40"])


@pytest.mark.parametrize("option", ["-abc2", "-device", "-top", "-json", "-run", "dsp", "-dsp;", "-DSP"])
def test_synth_options_off_the_list_are_refused_with_the_allowed_ones(option: str) -> None:
    error = refused(JobType.BUILD, {"synth_options": [option]})
    assert error.field == "config.synth_options"
    assert error.message.startswith("config.synth_options: ")
    assert "not allowed; allowed: -dsp, -abc9" in error.message


def test_synth_options_follow_the_family() -> None:
    assert build(flow="ecp5", device="25k", synth_options=["-nodsp", "-nowidelut"]).synth_options == [
        "-nodsp",
        "-nowidelut",
    ]
    assert build(flow="synth", device="25k", synth_options=["-noccu2"]).synth_options == ["-noccu2"]
    assert build(flow="gowin", pcf="pins.cst", synth_options=["-noalu"]).synth_options == ["-noalu"]
    ecp5 = refused(JobType.BUILD, {"flow": "synth", "device": "85k", "synth_options": ["-dsp"]})
    assert "'-dsp' is not allowed; allowed: -nodsp, -abc9" in ecp5.message
    ecp5_pnr = build(flow="ecp5", pnr_options=["--lpf-allow-unconstrained", "--no-tmdriv", "--seed", "2"])
    assert ecp5_pnr.pnr_options == ["--lpf-allow-unconstrained", "--no-tmdriv", "--seed=2"]
    assert build(flow="gowin", pcf="pins.cst", pnr_options=["--router=router2"]).pnr_options == [
        "--router=router2"
    ]
    gowin = refused(JobType.BUILD, {"flow": "gowin", "pcf": "pins.cst", "pnr_options": ["--opt-timing"]})
    assert gowin.field == "config.pnr_options"
    assert "allowed: --timing-allow-fail, --ignore-loops, --no-tmdriv, --tmg-ripup, --seed <an integer>" in (
        gowin.message
    )


def test_a_repeated_synth_option_is_refused() -> None:
    error = refused(JobType.BUILD, {"synth_options": ["-dsp", "-dsp"]})
    assert error.field == "config.synth_options" and "more than once: -dsp" in error.message


def test_pnr_options_are_normalised_to_name_equals_value() -> None:
    config = build(pnr_options=["--seed", "7", "--placer=sa", "--opt-timing", "--router", "router2"])
    assert config.pnr_options == ["--seed=7", "--placer=sa", "--opt-timing", "--router=router2"]
    argv = ["--seed", "7", "--placer", "sa", "--opt-timing", "--router", "router2"]
    assert pnr_argv(config.pnr_options) == argv
    assert build(pnr_options=["--seed=-3"]).pnr_options == ["--seed=-3"]
    assert build(pnr_options=["--seed=007"]).pnr_options == ["--seed=7"]


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--seed", "x"], "--seed takes an integer, not 'x'"),
        (["--seed"], "--seed takes an integer, not ''"),
        (["--seed=1.5"], "--seed takes an integer"),
        (["--seed=99999999999"], "--seed takes an integer"),
        (["--placer", "static"], "--placer takes heap | sa, not 'static'"),
        (["--router=router3"], "--router takes router1 | router2"),
        (["--opt-timing=yes"], "not allowed; allowed: --timing-allow-fail"),
        (["--json", "x.json"], "'--json' is not allowed"),
        (["--pcf", "/etc/passwd"], "'--pcf' is not allowed"),
        (["--seed=1", "--seed=2"], "more than once: --seed"),
        (["--help"], "--seed <an integer>, --placer <heap | sa>"),
    ],
)
def test_bad_pnr_options_are_refused(options: list[str], said: str) -> None:
    error = refused(JobType.BUILD, {"pnr_options": options})
    assert error.field == "config.pnr_options"
    assert said in error.message, error.message


def test_defines_and_parameters_take_plain_tokens() -> None:
    config = build(defines={"DEBUG": "", "WIDTH": 8, "MODE": "fast_1", "MASK": "8'hFF"})
    assert config.defines == {"DEBUG": "", "WIDTH": "8", "MODE": "fast_1", "MASK": "8'hFF"}
    assert build(parameters={"W": 16, "INIT": "-1", "M": "4'b10_1x"}).parameters == {
        "W": "16",
        "INIT": "-1",
        "M": "4'b10_1x",
    }


@pytest.mark.parametrize("field", ["defines", "parameters"])
@pytest.mark.parametrize("value", INJECTIONS[:-1])
def test_injections_in_values_are_refused(field: str, value: str) -> None:
    for job_type in (JobType.BUILD, JobType.SIMULATION):
        error = refused(job_type, {field: {"NAME": value}})
        assert error.field == f"config.{field}" and "the value of NAME must be" in error.message
        assert "\n" not in error.message


@pytest.mark.parametrize("field", ["defines", "parameters"])
@pytest.mark.parametrize("name", [*INJECTIONS, "1A", "A$B", "A.B", "a" * 65])
def test_names_that_are_not_verilog_names_are_refused(field: str, name: str) -> None:
    error = refused(JobType.BUILD, {field: {name: "1"}})
    assert error.field == f"config.{field}" and "is not a Verilog name" in error.message


def test_a_parameter_is_a_number() -> None:
    error = refused(JobType.BUILD, {"parameters": {"NAME": "abc"}})
    assert "must be a number such as 42" in error.message
    assert refused(JobType.BUILD, {"defines": {"A": ["x"]}}).field == "config.defines.A"


def test_plusargs() -> None:
    assert simulation(plusargs=["+vcd", "+firmware=fw.hex", "+n=-3", "+p=a/b.hex"]).plusargs == [
        "+vcd",
        "+firmware=fw.hex",
        "+n=-3",
        "+p=a/b.hex",
    ]
    for bad in ["vcd", "-vcd", "+", "+1x", "+a=b c", "+a=$(x)", '+a="; exec', "+a\n+b", "+a=`id`", "+a=;"]:
        error = refused(JobType.SIMULATION, {"plusargs": [bad]})
        assert error.field == "config.plusargs" and "is not a plusarg" in error.message


def test_plusargs_belong_to_simulations_only() -> None:
    assert refused(JobType.BUILD, {"plusargs": ["+vcd"]}).field == "config.plusargs"
    assert refused(JobType.SIMULATION, {"synth_options": ["-dsp"]}).field == "config.synth_options"


def test_generation_and_waveform() -> None:
    assert simulation(generation="2005-sv").generation == "2005-sv"
    assert simulation(generation=2001).generation == "2001"
    assert simulation(waveform="fst").waveform == "fst"
    generation = refused(JobType.SIMULATION, {"generation": "2017"})
    assert generation.field == "config.generation"
    assert "'2001', '2005', '2005-sv', '2009' or '2012'" in generation.message
    waveform = refused(JobType.SIMULATION, {"waveform": "lxt"})
    assert waveform.field == "config.waveform" and "'vcd' or 'fst'" in waveform.message


def test_include_dirs_are_project_folders() -> None:
    assert build(include_dirs=["rtl/inc/", "./common"]).include_dirs == ["rtl/inc", "common"]
    for bad, said in [
        ("../up", "may not contain '..'"),
        ("/usr/include", "relative to the project"),
        ("a b", "characters the tools cannot take"),
        ("inc;x", "characters the tools cannot take"),
        ("a\nb", "control characters"),
        ("", "empty"),
    ]:
        error = refused(JobType.SIMULATION, {"include_dirs": [bad]})
        assert error.field == "config.include_dirs" and said in error.message, error.message
    assert "more than once: inc" in refused(JobType.BUILD, {"include_dirs": ["inc", "inc/"]}).message


def test_include_dirs_must_hold_project_files() -> None:
    check_include_dirs_exist(["rtl", "rtl/inc"], {"rtl/inc/defs.vh", "top.v"})
    with pytest.raises(InvalidInput) as caught:
        check_include_dirs_exist(["rtl", "include", "top.v"], {"rtl/a.v", "top.v"})
    assert caught.value.field == "config.include_dirs"
    assert caught.value.message == "config.include_dirs: no such folder in the project: include, top.v"
