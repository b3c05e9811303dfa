"""The tools' options from the real ``a6hub`` process: flags become config, refusals name the field."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Cli, Hub

TB = b"""\
`include "defs.vh"
module tb;
  parameter W = 1;
  initial begin
    if ($test$plusargs("vcd")) begin $dumpfile("tb.vcd"); $dumpvars(0, tb); end
    $display("width %0d base %0d", W, `BASE);
    $finish;
  end
endmodule
"""


@pytest.mark.slow
def test_simulate_flags_reach_the_job(signed_in: Cli, cli_hub: Hub) -> None:
    project = cli_hub.project({"tb.v": TB, "inc/defs.vh": b"`define BASE 3\n"})
    result = signed_in.run(
        "simulate", project["slug"], "--top", "tb", "--file", "tb.v", "-I", "inc", "-P", "W=5",
        "--define", "EXTRA", "--plusarg", "+vcd", "--generation", "2009", "--waveform", "fst", "--watch",
    )  # fmt: skip
    assert result.code == 0, result.err
    job_id = int(result.err.split("Started simulation job ")[1].split()[0])
    config = cli_hub.job(job_id)["config"]
    assert config["plusargs"] == ["+vcd"] and config["parameters"] == {"W": "5"}
    assert (config["defines"], config["include_dirs"], config["files"]) == ({"EXTRA": ""}, ["inc"], ["tb.v"])
    assert (config["generation"], config["waveform"]) == ("2009", "fst")
    assert b"width 5 base 3\n" in result.out and b"Sources, in this order: tb.v\n" in result.out
    assert b"renamed tb.fst" in result.out


def test_a_refused_option_is_one_line_naming_it(signed_in: Cli, cli_hub: Hub) -> None:
    project = cli_hub.project({"top.v": b"module top; endmodule\n"})
    result = signed_in.run("build", project["slug"], "--top", "top", "--synth-option=-abc2")
    assert result.code == 2
    assert result.err.startswith(
        "a6hub: the hub refused: config.synth_options: '-abc2' is not allowed; allowed: "
    )
    seed = signed_in.run(
        "build", project["slug"], "--top", "top", "--pnr-option", "--seed", "--pnr-option", "x"
    )
    assert seed.code == 2 and "config.pnr_options: --seed takes an integer, not 'x'" in seed.err
    param = signed_in.run("simulate", project["slug"], "--top", "top", "--param", "W")
    assert param.code == 2 and "write --param NAME=VALUE, not 'W'" in param.err
