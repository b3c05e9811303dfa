import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Job } from "../src/api/types";
import { ProgressPanel } from "../src/components/ProgressPanel";
import { progressFromJob, progressReducer, type ProgressState } from "../src/lib/jobProgress";

const T0 = "2025-01-01T10:00:00.000Z";
const T1 = "2025-01-01T10:00:05.000Z";
const T2 = "2025-01-01T10:01:05.000Z";

function job(overrides: Partial<Job> = {}): Job {
  return {
    id: 7, project_id: 1, user_id: 1, job_type: "build", status: "running",
    config: { flow: "ice40", top: "blinky" },
    progress_data: {
      progress_percent: 20, current_step: "synthesis", completed_steps: ["initialization", "verilog_copy"],
      steps: [
        { name: "initialization", label: "Initialization", status: "completed", started_at: T0, finished_at: T0 },
        { name: "verilog_copy", label: "Copying sources", status: "completed", started_at: T0, finished_at: T1 },
        { name: "synthesis", label: "Synthesis", status: "running", started_at: T1, finished_at: null },
        { name: "place_route", label: "Place and route", status: "pending", started_at: null, finished_at: null },
      ],
    },
    error_message: null, last_seq: 12, created_at: T0, started_at: T0, completed_at: null,
    ...overrides,
  };
}

describe("progress reducer", () => {
  it("moves steps forward from step/progress/complete events", () => {
    let state: ProgressState = progressFromJob(job());
    state = progressReducer(state, { type: "step", name: "place_route", label: "Place and route", at: T2 });
    expect(state.steps.map((s) => s.status)).toEqual(["completed", "completed", "completed", "running"]);
    expect(state.steps[2]?.finished_at).toBe(T2);
    expect(state.currentStep).toBe("place_route");
    state = progressReducer(state, { type: "progress", percent: 70, currentStep: "place_route", completedSteps: ["initialization", "verilog_copy", "synthesis"], at: T2 });
    expect(state.percent).toBe(70);
    state = progressReducer(state, { type: "complete", status: "failed", at: T2 });
    expect(state.status).toBe("failed");
    expect(state.steps[3]?.status).toBe("failed");
  });

  it("ignores replayed old events: a finished step never goes back to running", () => {
    let state = progressFromJob(job());
    state = progressReducer(state, { type: "step", name: "initialization", label: "Initialization", at: T2 });
    expect(state.steps[0]?.status).toBe("completed");
    expect(state.steps[0]?.finished_at).toBe(T0);
  });

  it("adds steps it did not know", () => {
    let state = progressFromJob(job({ progress_data: null }));
    state = progressReducer(state, { type: "step", name: "compile", label: "Compile (iverilog)", at: T0 });
    expect(state.steps).toEqual([{ name: "compile", label: "Compile (iverilog)", status: "running", started_at: T0, finished_at: null }]);
  });
});

describe("ProgressPanel", () => {
  it("shows percent, current step and each step's state and duration", () => {
    render(<ProgressPanel progress={progressFromJob(job())} />);
    const bar = screen.getByTestId("progress-bar");
    expect(bar.getAttribute("aria-valuenow")).toBe("20");
    expect(bar.textContent).toBe("20%");
    expect(screen.getByTestId("current-step").textContent).toBe("Synthesis");
    expect(screen.getByTestId("step-verilog_copy").dataset.status).toBe("completed");
    expect(screen.getByTestId("step-verilog_copy").textContent).toContain("5s");
    expect(screen.getByTestId("step-synthesis").dataset.status).toBe("running");
    expect(screen.getByTestId("step-place_route").dataset.status).toBe("pending");
  });

  it("re-renders from live updates", () => {
    const view = render(<ProgressPanel progress={progressFromJob(job())} />);
    const next = progressReducer(progressFromJob(job()), {
      type: "progress", percent: 55, currentStep: "place_route", completedSteps: ["initialization", "verilog_copy", "synthesis"], at: T2,
    });
    view.rerender(<ProgressPanel progress={next} />);
    expect(screen.getByTestId("progress-bar").getAttribute("aria-valuenow")).toBe("55");
    expect(screen.getByTestId("current-step").textContent).toBe("Place and route");
    expect(screen.getByTestId("step-synthesis").dataset.status).toBe("completed");
    expect(screen.getByTestId("step-place_route").dataset.status).toBe("running");
  });
});
