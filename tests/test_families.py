"""Devices and packages are checked per FPGA family before a build is queued."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from a6hub.domain.families import FAMILIES, resolve_target
from tests.helpers import new_project, signed_up

TOP = b"module top(input a, output b); assign b = a; endmodule\n"


Poster = Callable[[dict[str, object]], tuple[int, str]]


def _poster(client: TestClient) -> Poster:
    owner = signed_up(client)
    project = new_project(client, owner)["id"]
    client.put(f"/api/v1/projects/{project}/files/top.v", content=TOP, headers=owner).raise_for_status()
    pins = b'IO_LOC "a" 10;\nIO_LOC "b" 11;\n'
    client.put(f"/api/v1/projects/{project}/files/pins.cst", content=pins, headers=owner).raise_for_status()

    def post(config: dict[str, object]) -> tuple[int, str]:
        response = client.post(
            f"/api/v1/projects/{project}/jobs", json={"job_type": "build", "config": config}, headers=owner
        )
        detail = response.json().get("detail", "")
        return response.status_code, detail if isinstance(detail, str) else str(detail)

    return post


def test_unknown_devices_and_packages_are_refused_naming_the_allowed_ones(client: TestClient) -> None:
    refusals: dict[str, tuple[dict[str, object], str, str]] = {
        "ecp5 device": ({"flow": "ecp5", "top": "top", "device": "110k"}, "config.device", "25k, 45k, 85k"),
        "ecp5 package": (
            {"flow": "ecp5", "top": "top", "device": "25k", "package": "CABGA756"},
            "config.package",
            "CABGA381, CABGA256, CSFBGA285, TQFP144",
        ),
        "gowin device": (
            {"flow": "gowin", "top": "top", "device": "GW5A-LV25"},
            "config.device",
            "GW1NR-LV9QN88PC6/I5",
        ),
        "gowin package": (
            {"flow": "gowin", "top": "top", "package": "PG256", "pcf": "pins.cst"},
            "config.package",
            "QN88P",
        ),
        "gowin pins": ({"flow": "gowin", "top": "top"}, "config.pcf", "pin constraints file (.cst)"),
        "wrong family": (
            {"flow": "ecp5", "top": "top", "device": "GW2A-LV18PG256C8/I7"},
            "config.device",
            "'gowin'",
        ),
        "ice40 device": ({"top": "top", "device": "um-85k"}, "config.device", "flow to 'ecp5'"),
        "no family": ({"flow": "synth", "top": "top", "device": "xc7a35t"}, "config.device", "ECP5: 12k"),
    }
    post = _poster(client)
    for case, (config, field, allowed) in refusals.items():
        status, detail = post(config)
        assert status == 422, (case, detail)
        assert detail.startswith(field) and allowed in detail, (case, detail)


def test_each_family_builds_its_default_board_and_ice40_configs_are_unchanged(client: TestClient) -> None:
    post = _poster(client)
    configs: tuple[dict[str, object], ...] = (
        {"flow": "ecp5", "top": "top", "package": "cabga381"},
        {"flow": "gowin", "top": "top", "device": "gw1nr-lv9qn88pc6/i5", "pcf": "pins.cst"},
        {"flow": "synth", "top": "top", "device": "85k"},
        {"top": "top", "device": "hx8k", "package": "cb132"},
        {"top": "top"},
    )
    for config in configs:
        status, detail = post(config)
        assert status == 201, (config, detail)


def test_targets_resolve_to_the_tables_spelling_and_default_package() -> None:
    assert resolve_target("ecp5", None, "cabga381").device == "85k"
    assert resolve_target("ecp5", "25K", "cabga381").package == "CABGA381"
    assert resolve_target(None, "um5g-85k", None).family is FAMILIES["ecp5"]
    gowin = resolve_target("gowin", "gw1nr-lv9qn88pc6/i5", None)
    assert (gowin.device, gowin.package) == ("GW1NR-LV9QN88PC6/I5", "QN88P")
    assert resolve_target(None, None, None).device == "up5k"
