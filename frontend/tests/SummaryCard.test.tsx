import { act, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Job } from "../src/api/types";
import { formatSimulatedTime, SummaryCard } from "../src/components/SummaryCard";
import { installFakeApi } from "./fakeApi";

const T0 = "2025-01-01T10:00:00.000Z";
const JOB: Job = {
  id: 7, project_id: 1, user_id: 1, job_type: "build", status: "completed", config: { flow: "ice40", top: "blinky" },
  progress_data: { progress_percent: 100, current_step: null, completed_steps: [], steps: [] },
  error_message: null, last_seq: 9, created_at: T0, started_at: T0, completed_at: T0,
};
const URL_KEY = "GET /api/v1/projects/1/jobs/7/summary";

afterEach(() => vi.unstubAllGlobals());

describe("SummaryCard", () => {
  it("shows a build's used resources, Fmax per clock against its target, and counts", async () => {
    installFakeApi({
      [URL_KEY]: () => ({
        json: {
          kind: "build", flow: "ice40", device: "up5k", package: "sg48", top: "blinky", sources: ["blinky.v"],
          utilization: {
            ICESTORM_LC: { used: 29, available: 5280, percent: 0 },
            ICESTORM_RAM: { used: 0, available: 30, percent: 0 },
          },
          clocks: [
            { clock: "clk", achieved_mhz: 73.24, target_mhz: 12, passed: true },
            { clock: "fast", achieved_mhz: 40, target_mhz: 50, passed: false },
          ],
          timing_met: false, cells: { SB_DFF: 26, SB_LUT4: 3 }, warnings: 1, errors: 0,
        },
      }),
    });
    render(<SummaryCard job={JOB} reloadKey={0} />);
    const rows = await screen.findAllByRole("row");
    const text = rows.map((row) => row.textContent);
    expect(text).toContain("ICESTORM_LC2952800%");
    expect(text.some((row) => row?.includes("ICESTORM_RAM"))).toBe(false);
    expect(text).toContain("clk73.212.0PASS");
    expect(text).toContain("fast40.050.0FAIL");
    expect(screen.getByTestId("summary-counts").textContent).toBe("29 cells · 1 warning · 0 errors");
    expect(screen.getByTestId("summary-sources").textContent).toBe("Sources, in this order: blinky.v");
  });

  it("shows a simulation's counts and simulated time", async () => {
    installFakeApi({
      [URL_KEY]: () => ({
        json: {
          kind: "simulation", top: "tb", sources: [], passed: false, output_lines: 3, errors: 1, fatals: 0,
          warnings: 0, simulated_time: { value: 83334000, unit: "1ps", seconds: 83.334e-6 }, waveforms: [],
        },
      }),
    });
    render(<SummaryCard job={{ ...JOB, job_type: "simulation" }} reloadKey={0} />);
    expect((await screen.findByTestId("summary-counts")).textContent).toBe(
      "Failed · 3 output lines · 1 $error · 0 $fatal · 0 warnings · simulated time 83.33 us",
    );
    expect(screen.queryByTestId("summary-sources")).toBeNull();
  });

  it("shows nothing while the job has no summary (404)", async () => {
    const api = installFakeApi({ [URL_KEY]: () => ({ status: 404, json: { detail: "no summary yet", code: "not_found" } }) });
    const { container } = render(<SummaryCard job={JOB} reloadKey={0} />);
    await vi.waitFor(() => expect(api.calls).toEqual(["GET /api/v1/projects/1/jobs/7/summary"]));
    await act(async () => {
      await api.fetchMock.mock.results[0]?.value; // the 404 has arrived and been handled
    });
    expect(container.textContent).toBe("");
  });

  it("formats simulated time in a readable unit", () => {
    expect(formatSimulatedTime({ value: 20000, unit: "1ps", seconds: 20e-9 })).toBe("20 ns");
    expect(formatSimulatedTime({ value: 0, unit: "1ps", seconds: 0 })).toBe("0 s");
    expect(formatSimulatedTime({ value: 3, unit: "1fs", seconds: 3e-15 })).toBe("3 fs");
  });
});
