"""Tool options refused by the real app with 422, naming the field (nothing is queued)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import new_project, signed_up

DESIGN = b"module top(input clk, output led); assign led = clk; endmodule\n"
TESTBENCH = b"module tb; initial $finish; endmodule\n"


@pytest.fixture
def start(client: TestClient) -> Any:
    owner = signed_up(client)
    project = new_project(client, owner)
    for path, content in {"rtl/top.v": DESIGN, "tb/tb.v": TESTBENCH, "inc/defs.vh": b"\n"}.items():
        client.put(f"/api/v1/projects/{project['id']}/files/{path}", content=content, headers=owner)

    def post(job_type: str, config: dict[str, Any]) -> Any:
        body = {"job_type": job_type, "config": config}
        return client.post(f"/api/v1/projects/{project['id']}/jobs", json=body, headers=owner)

    return post


REFUSED: list[tuple[str, dict[str, Any], str, str]] = [
    ("build", {"synth_options": ["-abc2"]}, "config.synth_options", "allowed: -dsp, -abc9, -retime"),
    ("build", {"synth_options": ["-dsp; shell"]}, "config.synth_options", "is not allowed"),
    ("build", {"pnr_options": ["--seed", "seven"]}, "config.pnr_options", "--seed takes an integer"),
    ("build", {"pnr_options": ["--placer", "magic"]}, "config.pnr_options", "--placer takes heap | sa"),
    ("build", {"pnr_options": ["--json=/etc/passwd"]}, "config.pnr_options", "--timing-allow-fail"),
    ("build", {"defines": {"A": 'A"; exec'}}, "config.defines", "the value of A must be"),
    ("build", {"defines": {"A\nread_verilog x": "1"}}, "config.defines", "is not a Verilog name"),
    ("build", {"parameters": {"W": "$(x)"}}, "config.parameters", "must be a number"),
    ("build", {"parameters": {"W": "1\nshell"}}, "config.parameters", "must be a number"),
    ("build", {"include_dirs": ["../../etc"]}, "config.include_dirs", "may not contain '..'"),
    ("build", {"include_dirs": ["missing"]}, "config.include_dirs", "no such folder in the project: missing"),
    ("build", {"plusargs": ["+vcd"]}, "config.plusargs", "Extra inputs are not permitted"),
    ("simulation", {"plusargs": ["+a=$(x)"]}, "config.plusargs", "is not a plusarg"),
    ("simulation", {"plusargs": ["+a\n+b"]}, "config.plusargs", "is not a plusarg"),
    ("simulation", {"generation": "1995"}, "config.generation", "'2005-sv', '2009' or '2012'"),
    ("simulation", {"waveform": "lxt2"}, "config.waveform", "'vcd' or 'fst'"),
    ("simulation", {"defines": {"X": "`x`"}}, "config.defines", "the value of X must be"),
    ("simulation", {"include_dirs": ["nope", "inc"]}, "config.include_dirs", "in the project: nope"),
]


@pytest.mark.parametrize(("job_type", "config", "field", "said"), REFUSED)
def test_bad_tool_options_are_422_naming_the_field(
    start: Any, job_type: str, config: dict[str, Any], field: str, said: str
) -> None:
    top = {"top": "tb"} if job_type == "simulation" else {"top": "top"}
    response = start(job_type, {**top, **config})
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["detail"].startswith(f"{field}: "), body
    assert said in body["detail"], body
