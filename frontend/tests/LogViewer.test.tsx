import { act, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LogViewer, LOG_ROW_HEIGHT } from "../src/components/LogViewer";
import { LogBuffer } from "../src/lib/logBuffer";
import { installLayoutStub } from "./layoutStub";

let restore: () => void;
beforeEach(() => {
  restore = installLayoutStub();
});
afterEach(() => restore());

function bigBuffer(lines: number): LogBuffer {
  const buffer = new LogBuffer();
  const chunk: string[] = [];
  for (let i = 1; i <= lines; i += 1) {
    chunk.push(`line ${i}${i % 1000 === 0 ? " ERROR: timing" : ""}`);
    if (chunk.length === 10_000) {
      buffer.append(chunk.join("\n") + "\n");
      chunk.length = 0;
    }
  }
  if (chunk.length) buffer.append(chunk.join("\n") + "\n");
  return buffer;
}

/** Let the async scroll events (and the renders they cause) happen. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i += 1) await act(async () => undefined);
}

function renderedIndexes(): number[] {
  return screen.getAllByTestId("log-line").map((row) => Number(row.dataset.index));
}

describe("LogViewer", () => {
  it("renders only the visible rows of 200,000 lines and shows the tail", async () => {
    const buffer = bigBuffer(200_000);
    render(<LogViewer buffer={buffer} version={1} />);
    await settle();
    const rows = screen.getAllByTestId("log-line");
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(100);
    const indexes = renderedIndexes();
    expect(Math.max(...indexes)).toBe(199_999);
    expect(screen.getByText("line 199999")).toBeTruthy();
    expect(screen.getByText("200,000 lines")).toBeTruthy();
  });

  it("follows the tail as lines arrive", async () => {
    const buffer = bigBuffer(1000);
    const view = render(<LogViewer buffer={buffer} version={1} />);
    await settle();
    buffer.append("new line A\nnew line B\n");
    view.rerender(<LogViewer buffer={buffer} version={2} />);
    await settle();
    expect(screen.getByText("new line B")).toBeTruthy();
    expect(screen.getByTestId("log-viewer").dataset.following).toBe("true");
    expect(screen.queryByTestId("jump-to-bottom")).toBeNull();
  });

  it("stops following when the user scrolls up, and jumps back to the bottom on request", async () => {
    const buffer = bigBuffer(5000);
    const view = render(<LogViewer buffer={buffer} version={1} />);
    await settle();
    const box = screen.getByTestId("log-viewer");
    box.scrollTop = 100 * LOG_ROW_HEIGHT; // the user scrolls far up
    await settle();
    expect(box.dataset.following).toBe("false");
    buffer.append("late line\n");
    view.rerender(<LogViewer buffer={buffer} version={2} />);
    await settle();
    expect(screen.queryByText("late line")).toBeNull(); // the view stayed where the user put it
    expect(Math.min(...renderedIndexes())).toBeLessThanOrEqual(100);

    fireEvent.click(screen.getByTestId("jump-to-bottom"));
    await settle();
    expect(box.dataset.following).toBe("true");
    expect(screen.getByText("late line")).toBeTruthy();
  });

  it("finds matches, highlights them and jumps between them", async () => {
    const buffer = bigBuffer(200_000);
    render(<LogViewer buffer={buffer} version={1} />);
    fireEvent.change(screen.getByLabelText("Search log"), { target: { value: "error: TIMING" } });
    expect((await screen.findByTestId("match-count")).textContent).toBe("1 / 200");
    fireEvent.click(screen.getByLabelText("Next match"));
    await settle();
    expect(screen.getByTestId("match-count").textContent).toBe("2 / 200");
    const active = document.querySelector<HTMLElement>(".log-line-active");
    expect(active?.dataset.index).toBe("1999");
    expect(active?.querySelector("mark")?.textContent).toBe("ERROR: timing");
    expect(screen.getByTestId("log-viewer").dataset.following).toBe("false");
  });
});
