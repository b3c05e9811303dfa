import { render, screen } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Job, JobStatus } from "../src/api/types";
import { ToastProvider } from "../src/components/Toasts";
import { JobPage } from "../src/pages/JobPage";
import { installFakeApi } from "./fakeApi";
import { FakeJobServer, JOB_ID } from "./fakeJobServer";
import { installFakes, removeFakes, settle } from "./jobSocketHarness";
import { installLayoutStub } from "./layoutStub";

const T0 = "2025-01-01T10:00:00.000Z";
let server: FakeJobServer;
let restoreLayout: () => void;

function job(status: JobStatus): Job {
  return {
    id: JOB_ID, project_id: 1, user_id: 1, job_type: "build", status, config: { flow: "ice40", top: "blinky" },
    progress_data: {
      progress_percent: status === "completed" ? 100 : 0, current_step: null, completed_steps: [],
      steps: [
        { name: "synthesis", label: "Synthesis", status: status === "completed" ? "completed" : "pending", started_at: null, finished_at: null },
        { name: "place_route", label: "Place and route", status: status === "completed" ? "completed" : "pending", started_at: null, finished_at: null },
      ],
    },
    error_message: null, last_seq: 0, created_at: T0, started_at: T0, completed_at: status === "completed" ? T0 : null,
  };
}

function renderPage() {
  return render(
    <MemoryRouter initialEntries={[`/jobs/${JOB_ID}`]}>
      <ToastProvider>
        <Routes>
          <Route path="/jobs/:jobId" element={<JobPage />} />
        </Routes>
      </ToastProvider>
    </MemoryRouter>,
  );
}

beforeEach(() => {
  installFakes();
  restoreLayout = installLayoutStub();
  server = new FakeJobServer();
});

afterEach(() => {
  server.stop();
  restoreLayout();
  removeFakes();
  vi.unstubAllGlobals();
});

describe("JobPage", () => {
  it("follows a running job live: progress, steps, log, toast and artifacts on complete", async () => {
    let current = job("running");
    const api = installFakeApi({
      [`GET /api/v1/jobs/${JOB_ID}`]: () => ({ json: current }),
      "POST /api/v1/ws/tickets": () => ({ json: { ticket: "tk", expires_in: 60 } }),
      [`GET /api/v1/projects/1/jobs/${JOB_ID}/artifacts`]: () => ({
        json: [{ name: "blinky.bin", size_bytes: 32220, sha256: "ab".repeat(32), url: `/api/v1/projects/1/jobs/${JOB_ID}/artifacts/blinky.bin` }],
      }),
      [`GET /api/v1/projects/1/jobs/${JOB_ID}/summary`]: () => ({
        json: {
          kind: "build", flow: "ice40", device: "up5k", package: "sg48", top: "blinky", sources: [], timing_met: true,
          utilization: { ICESTORM_LC: { used: 29, available: 5280, percent: 0 } },
          clocks: [{ clock: "clk", achieved_mhz: 73.2, target_mhz: 12, passed: true }], cells: { SB_DFF: 26 }, warnings: 0, errors: 0,
        },
      }),
    });
    renderPage();
    await settle();
    expect(screen.getByTestId("live-indicator")).toBeTruthy();
    expect(screen.getByTestId("cancel-button")).toBeTruthy();
    expect(server.connections).toEqual([{ since: 0, ticket: "tk" }]);

    server.add("step", { step_name: "synthesis", step_label: "Synthesis" });
    server.add("progress", { progress: 40, current_step: "synthesis", completed_steps: [] });
    server.add("log", { log_line: "yosys: reading blinky.v\nyosys: done\n" });
    await settle();
    expect(screen.getByTestId("progress-bar").getAttribute("aria-valuenow")).toBe("40");
    expect(screen.getByTestId("current-step").textContent).toBe("Synthesis");
    expect(screen.getByTestId("step-synthesis").dataset.status).toBe("running");
    expect(screen.getAllByTestId("log-line").map((row) => row.textContent)).toEqual(["1yosys: reading blinky.v", "2yosys: done"]);

    current = { ...job("completed"), last_seq: 4 };
    server.add("complete", { status: "completed", message: "Build finished" });
    await settle();
    expect(screen.getByTestId("job-status").textContent).toBe("completed");
    expect(screen.getByTestId("toast").textContent).toContain("Build finished");
    expect(screen.queryByTestId("cancel-button")).toBeNull();
    expect(screen.queryByTestId("live-indicator")).toBeNull();
    expect(screen.getByTestId("artifact-blinky.bin")).toBeTruthy();
    expect(screen.getByTestId("summary-clocks").textContent).toContain("clk73.212.0PASS");
    expect(api.calls.filter((c) => c.includes("/events"))).toEqual([]);
  });

  it("shows a finished job from GET /logs without opening a socket", async () => {
    installFakeApi({
      [`GET /api/v1/jobs/${JOB_ID}`]: () => ({ json: job("completed") }),
      [`GET /api/v1/projects/1/jobs/${JOB_ID}/logs`]: () => ({ text: "one\ntwo\nthree\n", headers: { "X-Log-Offset": "14", "X-More-Data": "false" } }),
      [`GET /api/v1/projects/1/jobs/${JOB_ID}/artifacts`]: () => ({ json: [] }),
    });
    renderPage();
    await settle();
    expect(screen.getAllByTestId("log-line")).toHaveLength(3);
    expect(screen.getByTestId("progress-bar").getAttribute("aria-valuenow")).toBe("100");
    expect(server.connections).toHaveLength(0);
    expect(screen.queryByTestId("live-indicator")).toBeNull();
    expect(screen.queryByTestId("cancel-button")).toBeNull();
    expect(screen.queryByTestId("summary-card")).toBeNull(); // no summary (404): no card
  });
});
