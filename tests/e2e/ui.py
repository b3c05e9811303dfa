"""What the browser tests do and read on the web app's pages (only its data-testid hooks and labels)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.e2e.conftest import SHOTS
from tests.e2e.hubapi import PASSWORD
from tests.jobs.conftest import JobHub

LOG_COUNT = re.compile(r"^([\d,]+) lines?$")

# Records every value the progress bar shows (an init script, so nothing is added to the app).
PROGRESS_RECORDER = """
window.__progressSeen = [];
new MutationObserver(() => {
  const bar = document.querySelector('[data-testid="progress-bar"]');
  if (!bar) return;
  const value = Number(bar.getAttribute("aria-valuenow"));
  const seen = window.__progressSeen;
  if (seen[seen.length - 1] !== value) seen.push(value);
}).observe(document, {
  subtree: true, childList: true, attributes: true, attributeFilter: ["aria-valuenow"],
});
"""

# Reads every line of the virtualized log viewer: scrolls it a screenful at a time and waits
# (a few animation frames) until the rows of each screenful are rendered.
READ_LOG = """
async (count) => {
  const viewer = document.querySelector('[data-testid="log-viewer"]');
  const lines = new Array(count).fill(null);
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  const rowHeight = viewer.scrollHeight / Math.max(count, 1);
  const extra = [];
  for (let top = 0; ; top += viewer.clientHeight) {
    viewer.scrollTop = top;
    const first = Math.min(count - 1, Math.floor(viewer.scrollTop / rowHeight));
    const last = Math.min(count - 1, Math.floor((viewer.scrollTop + viewer.clientHeight - 1) / rowHeight));
    const rendered = () =>
      viewer.querySelector(`[data-index="${first}"]`) && viewer.querySelector(`[data-index="${last}"]`);
    for (let tries = 0; tries < 200 && !rendered(); tries += 1) await frame();
    for (const row of viewer.querySelectorAll('[data-testid="log-line"]')) {
      const index = Number(row.getAttribute("data-index"));
      const text = row.querySelector(".log-text").textContent;
      if (index >= count) extra.push(index);
      else if (lines[index] === null) lines[index] = text;
    }
    if (viewer.scrollTop + viewer.clientHeight >= viewer.scrollHeight - 1) break;
  }
  return { lines, extra };
}
"""


def sign_in(page: Page, base: str, username: str, password: str = PASSWORD) -> None:
    """Through the sign-in form; lands on the project list."""
    page.goto(f"{base}/login")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}/projects")
    expect(page.locator(".topbar")).to_contain_text(username)


def screenshot(page: Page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def log_lines(text: str) -> list[str]:
    """The lines the viewer should show for ``text`` (its LogBuffer: split on \\n, drop a trailing \\r)."""
    pieces = text.split("\n")
    partial = pieces.pop()
    return [piece.removesuffix("\r") for piece in pieces] + ([partial] if partial else [])


def shown_line_count(page: Page) -> int:
    """The viewer's own "N lines" counter."""
    match = LOG_COUNT.match(page.locator(".log-count").inner_text().strip())
    assert match, "the log viewer shows no line count"
    return int(match.group(1).replace(",", ""))


def expect_line_count(page: Page, count: int, timeout_ms: float = 30_000) -> None:
    expect(page.locator(".log-count")).to_have_text(
        f"{count:,} line{'' if count == 1 else 's'}", timeout=timeout_ms
    )


def read_log(page: Page) -> list[str]:
    """Every line the (virtualized) log viewer holds, in order, read by scrolling it through."""
    count = shown_line_count(page)
    result: dict[str, Any] = page.evaluate(READ_LOG, count)
    lines: list[str | None] = result["lines"]
    assert not result["extra"], f"rows past the {count} counted lines: {result['extra'][:5]}"
    missing = [index for index, line in enumerate(lines) if line is None]
    assert not missing, f"log rows never rendered: {missing[:10]}"
    return [line for line in lines if line is not None]


def assert_log_shows(page: Page, server_log: str) -> None:
    """The viewer holds exactly the server's log: same lines, same order, no repeats, none missing."""
    expected = log_lines(server_log)
    expect_line_count(page, len(expected))
    shown = read_log(page)
    if shown != expected:
        first = next(
            (i for i, (a, b) in enumerate(zip(shown, expected, strict=False)) if a != b),
            min(len(shown), len(expected)),
        )
        raise AssertionError(
            f"log differs at line {first + 1}: page {shown[first : first + 3]!r}, "
            f"server {expected[first : first + 3]!r} ({len(shown)} vs {len(expected)} lines)"
        )
    if "\r" not in server_log:
        assert "\n".join(shown) + ("\n" if server_log.endswith("\n") else "") == server_log


def progress_seen(page: Page) -> list[float]:
    values: list[float] = page.evaluate("window.__progressSeen")
    return values


def held_testbench(module: str = "held_tb") -> bytes:
    """A testbench that prints ``tick N`` every 10-20 ms (CPU-paced) until :func:`release_job` runs.

    The test decides when the simulation ends (it creates the file ``release`` in the job's own
    folder, the only one its sandbox sees), so a run is exactly as long as the test needs, however
    busy the machine is; the job's ``timeout_s`` ends it if a test dies.
    """
    return f"""// e2e: ticks until a file named release appears, then finishes
module {module};
    integer line, spin, acc, fd;
    initial begin
        acc = 0;
        fd = 0;
        line = 0;
        while (fd == 0) begin
            for (spin = 0; spin < 30000; spin = spin + 1) begin
                acc = acc + spin;
                #1;
            end
            line = line + 1;
            $display("tick %0d", line);
            fd = $fopen("release", "r");
        end
        $fclose(fd);
        $display("released after %0d ticks", line);
        $finish;
    end
endmodule
""".encode()


def release_job(hub: JobHub, project_id: int, job_id: int) -> None:
    """Let a :func:`held_testbench` job finish (or cancel it if it never started)."""
    folders = list((hub.settings.data_dir / "work").glob(f"*/job-{job_id}/src"))
    for folder in folders:
        (folder / "release").touch()
    if not folders:
        hub.client.post(f"/api/v1/projects/{project_id}/jobs/{job_id}/cancel")


def assert_ticks_in_order(lines: list[str]) -> None:
    ticks = [int(line.split()[1]) for line in lines if re.fullmatch(r"tick \d+", line)]
    assert ticks, "no tick lines"
    assert ticks == list(range(1, len(ticks) + 1)), "tick lines repeated, missing or out of order"
