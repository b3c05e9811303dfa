"""Signing in and out, projects and push, through the real ``a6hub`` process and a real hub."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import httpx

from tests.cli.conftest import DEMO, PASSWORD, USER, Cli, Hub, assert_visible, register
from tests.servers import free_port


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one line, got:\n{err}"
    assert "Traceback" not in err
    return lines[0]


def test_login_keeps_the_token_private_and_whoami_logout_use_it(cli: Cli, cli_hub: Hub) -> None:
    result = cli.login()
    assert result.code == 0, result.err
    stored = json.loads(cli.credentials.read_text())
    assert stored["url"] == cli_hub.base and stored["username"] == USER
    token = stored["token"]
    assert token and token not in result.text and token not in result.err
    assert stat.S_IMODE(cli.credentials.stat().st_mode) == 0o600
    assert stat.S_IMODE(cli.credentials.parent.stat().st_mode) == 0o700

    whoami = cli.run("whoami")
    assert whoami.code == 0
    assert whoami.text == f"{USER} <designer@example.com> at {cli_hub.base}\n"
    assert token not in whoami.text + whoami.err

    assert cli.run("logout").code == 0
    assert not cli.credentials.exists()
    after = cli.run("whoami")
    assert after.code == 2
    assert "run `a6hub login`" in _one_line(after.err)


def test_login_asks_for_the_password_without_echoing_it(cli: Cli, cli_hub: Hub) -> None:
    code, screen = cli.run_in_terminal(
        "login",
        "--url",
        cli_hub.base,
        answers=[(b"Username: ", b"designer\n"), (b"Password: ", b"pass-word-1\n")],
    )
    assert code == 0, screen
    assert "Username: designer" in screen and "pass-word-1" not in screen
    assert f"Signed in to {cli_hub.base} as designer" in screen
    assert json.loads(cli.credentials.read_text())["username"] == USER


def test_a_wrong_password_says_so_in_one_line(cli: Cli) -> None:
    result = cli.login(password="not-the-password")
    assert result.code == 2
    assert (
        _one_line(result.err) == "a6hub: wrong username or password; check them and run `a6hub login` again"
    )
    assert not cli.credentials.exists()


def test_an_unreachable_hub_says_so_in_one_line(cli: Cli) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    result = cli.login(url=nowhere)
    assert result.code == 2
    line = _one_line(result.err)
    assert line.startswith(f"a6hub: cannot reach the hub at {nowhere} (connection refused)")
    assert "A6HUB_URL" in line

    cli.extra_env["A6HUB_URL"] = nowhere
    cli.extra_env["A6HUB_TOKEN"] = "whatever"
    projects = cli.run("projects")
    assert projects.code == 2
    assert _one_line(projects.err).startswith(f"a6hub: cannot reach the hub at {nowhere}")


def test_env_token_overrides_and_a_stored_token_never_goes_to_another_hub(cli: Cli, cli_hub: Hub) -> None:
    token = cli_hub.api.headers["Authorization"].removeprefix("Bearer ")
    cli.extra_env.update(A6HUB_URL=cli_hub.base, A6HUB_TOKEN=token)
    assert cli.run("whoami").text.startswith(f"{USER} ")
    assert cli.login().code == 0
    cli.extra_env.clear()
    cli.extra_env["A6HUB_URL"] = cli_hub.base.replace("127.0.0.1", "localhost")
    other = cli.run("whoami")
    assert other.code == 2
    assert "not signed in to http://localhost" in _one_line(other.err)


def test_projects_create_and_push_show_what_changed(signed_in: Cli, tmp_path: Path) -> None:
    cli = signed_in
    created = cli.run("project", "create", "CLI Blinky", "--public")
    assert created.code == 0, created.err
    project_id = int(created.text)
    listing = cli.run("projects")
    assert f"{project_id}\tcli-blinky\tCLI Blinky\tpublic\t" in listing.text

    design = tmp_path / "design"
    (design / "rtl").mkdir(parents=True)
    (design / ".git").mkdir()
    (design / "rtl" / "blinky.v").write_bytes((DEMO / "blinky.v").read_bytes())
    (design / "icebreaker.pcf").write_bytes((DEMO / "icebreaker.pcf").read_bytes())
    (design / "notes.md").write_text("not a design file\n")
    (design / ".git" / "stray.v").write_text("// hidden\n")

    first = cli.run("push", "cli-blinky", str(design))
    assert first.code == 0, first.err
    assert first.text.splitlines() == ["new      icebreaker.pcf (154 B)", "new      rtl/blinky.v (351 B)"]
    assert "pushed 2 files to cli-blinky (2 new, 0 changed, 0 unchanged)" in first.err

    (design / "rtl" / "blinky.v").write_text("module blinky; endmodule\n")
    extra = tmp_path / "extra.txt"
    extra.write_text("explicit files go whatever their suffix\n")
    second = cli.run("push", str(project_id), str(design), str(extra))
    assert second.code == 0, second.err
    assert second.text.splitlines() == ["new      extra.txt (40 B)", "changed  rtl/blinky.v (25 B)"]
    assert "(1 new, 1 changed, 1 unchanged)" in second.err

    again = cli.run("push", "CLI Blinky", str(design))
    assert again.text == "" and "pushed 0 files" in again.err


def test_unknown_project_and_someone_elses_project_are_one_line_errors(signed_in: Cli, cli_hub: Hub) -> None:
    missing = signed_in.run("jobs", "no-such-project")
    assert missing.code == 2
    assert _one_line(missing.err).startswith("a6hub: no project named 'no-such-project' among yours")

    headers = {"Authorization": f"Bearer {register(cli_hub.base, 'other')}"}
    with httpx.Client(base_url=cli_hub.base, headers=headers) as other:
        public = other.post("/api/v1/projects", json={"name": "theirs", "visibility": "public"}).json()
        private = other.post("/api/v1/projects", json={"name": "secret"}).json()
        assert_visible(lambda: other.get(f"/api/v1/projects/{private['id']}").status_code == 200)

    denied = signed_in.run("push", str(public["id"]), str(DEMO / "blinky.v"))
    assert denied.code == 2
    assert _one_line(denied.err).startswith("a6hub: permission denied: ")
    hidden = signed_in.run("push", str(private["id"]), str(DEMO / "blinky.v"))
    assert hidden.code == 2
    assert f"project {private['id']} not found" in _one_line(hidden.err)


def test_logout_everywhere_ends_every_session_of_the_account(cli: Cli, cli_hub: Hub) -> None:
    other_device = register(cli_hub.base, "nomad")
    signed_in = cli.run(
        "login", "--url", cli_hub.base, "-u", "nomad", "--password-stdin", stdin=f"{PASSWORD}\n".encode()
    )
    assert signed_in.code == 0, signed_in.err
    result = cli.run("logout", "--everywhere")
    assert result.code == 0, result.err
    assert f"Every session of this account at {cli_hub.base} has ended." in result.err
    assert not cli.credentials.exists()
    me = httpx.get(f"{cli_hub.base}/api/v1/auth/me", headers={"Authorization": f"Bearer {other_device}"})
    assert me.status_code == 401
    again = cli.run("logout", "--everywhere")
    assert again.code == 2 and "run `a6hub login`" in _one_line(again.err)
