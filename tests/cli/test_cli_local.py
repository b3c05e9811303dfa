"""The CLI's local parts, without a hub: the credentials file and which files ``push`` picks."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
import typer

from a6hub.cli.projects import collect
from a6hub.client import config


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(config.URL_ENV, raising=False)
    monkeypatch.delenv(config.TOKEN_ENV, raising=False)
    return tmp_path / "xdg" / "a6hub"


def test_credentials_are_saved_0600_and_resolved_with_env_overrides(
    config_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert config.resolve() == config.Credentials(url=config.DEFAULT_URL)
    path = config.save(config.Credentials("http://hub.example:8000", "t0ken", "ada"))
    assert path == config_home / "credentials.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text()) == {
        "url": "http://hub.example:8000",
        "token": "t0ken",
        "username": "ada",
    }
    assert config.resolve() == config.Credentials("http://hub.example:8000", "t0ken", "ada")

    monkeypatch.setenv(config.URL_ENV, "other.example/")
    assert config.resolve() == config.Credentials("http://other.example"), "no token for another hub"
    monkeypatch.setenv(config.TOKEN_ENV, "ci-token")
    assert config.resolve().token == "ci-token"

    path.write_text("{not json")
    monkeypatch.delenv(config.URL_ENV)
    assert config.resolve().url == config.DEFAULT_URL
    assert config.forget() and not config.forget()


def test_push_picks_design_files_of_folders_and_any_named_file(tmp_path: Path) -> None:
    for name in ("top.v", "rtl/core.sv", "rtl/defs.vh", "board.pcf", "mem/rom.hex", "README.md", ".hidden.v"):
        (tmp_path / "d" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "d" / name).write_text(name)
    for hidden in (".git/x.v", "node_modules/y.v"):
        (tmp_path / "d" / hidden).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "d" / hidden).write_text("no")
    (tmp_path / "notes.txt").write_text("n")
    chosen = collect([tmp_path / "d", tmp_path / "notes.txt"])
    assert sorted(chosen) == ["board.pcf", "mem/rom.hex", "notes.txt", "rtl/core.sv", "rtl/defs.vh", "top.v"]
    assert chosen["rtl/core.sv"] == tmp_path / "d" / "rtl" / "core.sv"


@pytest.mark.parametrize("case", ["missing", "no design files", "same name twice"])
def test_push_refuses_nothing_to_send_and_name_clashes(tmp_path: Path, case: str) -> None:
    for folder in ("a", "b", "docs"):
        (tmp_path / folder).mkdir()
    (tmp_path / "a" / "top.v").write_text("a")
    (tmp_path / "b" / "top.v").write_text("b")
    (tmp_path / "docs" / "README.md").write_text("r")
    paths = {
        "missing": [tmp_path / "nope"],
        "no design files": [tmp_path / "docs"],
        "same name twice": [tmp_path / "a", tmp_path / "b" / "top.v"],
    }[case]
    with pytest.raises(typer.Exit) as refused:
        collect(paths)
    assert refused.value.exit_code == 2
