"""Content-Disposition (RFC 6266): any file name, quotes and Unicode included, names one file."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

import pytest
from fastapi.testclient import TestClient

from a6hub.adapters.db.models import JobArtifact
from a6hub.api.disposition import ascii_fallback, content_disposition
from a6hub.domain.jobs import JobStatus
from tests.helpers import new_project, signed_up

HOSTILE = 'q";x=y.vcd'
PARAM = r'([a-z*]+)=(?:"((?:[^"\\]|\\.)*)"|([!#$%&\'*+.^_`|~0-9a-zA-Z-]+))'


def parsed(header: str) -> dict[str, str]:
    """The header's parts as RFC 6266 reads them: the type, then ``name=value`` parameters (a
    value a token or a quoted string), ``filename*`` decoded (RFC 8187)."""
    match = re.fullmatch(rf"([a-z]+)((?:\s*;\s*{PARAM})*)", header)
    assert match is not None, f"malformed: {header}"
    params = {match.group(1): ""}
    for name, quoted, token in re.findall(PARAM, match.group(2)):
        assert name not in params, f"{name} twice in {header}"
        params[name] = re.sub(r"\\(.)", r"\1", quoted) if quoted else token
    if "filename*" in params:
        charset, _, encoded = params["filename*"].split("'", 2)
        params["filename*"] = unquote(encoded, encoding=charset, errors="strict")
    return params


@pytest.mark.parametrize(
    "name",
    [
        HOSTILE,
        "wave.vcd",
        'back\\slash"quote.vcd',
        "波形 (1).vcd",
        "semi;colon,comma.txt",
        "tab\there.v",
        "100%.v",
    ],
)
def test_the_header_names_exactly_one_file_whatever_its_name(name: str) -> None:
    header = content_disposition(name)
    header.encode("ascii")  # always sendable
    params = parsed(header)
    assert set(params) == {"attachment", "filename", "filename*"}, header
    assert params["filename*"] == name
    assert params["filename"] == ascii_fallback(name)


def test_the_ascii_fallback_replaces_what_could_end_or_split_it() -> None:
    assert ascii_fallback(HOSTILE) == "q__x=y.vcd"
    assert ascii_fallback('a\\b"c\x00d\x7fe%f/g') == "a_b_c_d_e_f_g"
    assert ascii_fallback("波形.vcd") == "__.vcd"
    assert content_disposition("wave.vcd") == "attachment; filename=\"wave.vcd\"; filename*=UTF-8''wave.vcd"
    assert content_disposition("rtl/top.v").startswith('attachment; filename="top.v"')


def test_downloading_a_file_and_an_artifact_with_a_hostile_name(client: TestClient) -> None:
    owner = signed_up(client)
    project = new_project(client, owner)["id"]
    put = client.put(
        f"/api/v1/projects/{project}/files/{quote(HOSTILE)}", content=b"$dumpvars", headers=owner
    )
    assert put.status_code == 200, put.text
    got = client.get(f"/api/v1/projects/{project}/files/{quote(HOSTILE)}", headers=owner)
    assert got.status_code == 200 and got.content == b"$dumpvars"
    assert parsed(got.headers["content-disposition"])["filename*"] == HOSTILE

    client.put(f"/api/v1/projects/{project}/files/top.v", content=b"module top; endmodule\n", headers=owner)
    job = client.post(
        f"/api/v1/projects/{project}/jobs",
        json={"job_type": "build", "config": {"flow": "synth", "top": "top"}},
        headers=owner,
    ).json()["id"]
    context = client.app.state.context  # type: ignore[attr-defined]
    context.lifecycle.start(job, "test")
    context.lifecycle.finish(job, JobStatus.COMPLETED)
    with context.db.session() as session:
        session.add(JobArtifact.holding(job, HOSTILE, b"wave"))
    listed = client.get(f"/api/v1/projects/{project}/jobs/{job}/artifacts", headers=owner).json()
    [artifact] = [entry for entry in listed if entry["name"] == HOSTILE]
    downloaded = client.get(artifact["url"], headers=owner)
    assert downloaded.status_code == 200 and downloaded.content == b"wave"
    params = parsed(downloaded.headers["content-disposition"])
    assert params["filename*"] == HOSTILE and "x" not in params
