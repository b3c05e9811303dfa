// The build page's view of a job's progress: seeded from GET /jobs/{id}
// (progress_data) and moved forward by status/progress/step/complete events.
// A step never moves backwards (a replayed old event cannot undo a finished step).
import { isTerminal, type Job, type JobStatus, type JobStep, type StepStatus } from "../api/types";

export interface ProgressState {
  status: JobStatus;
  percent: number;
  currentStep: string | null;
  steps: JobStep[];
}

export type ProgressAction =
  | { type: "reset"; job: Job }
  | { type: "status"; status: JobStatus; at: string }
  | { type: "progress"; percent: number; currentStep: string | null; completedSteps: string[]; at: string }
  | { type: "step"; name: string; label: string; at: string }
  | { type: "complete"; status: JobStatus; at: string };

export function progressFromJob(job: Job): ProgressState {
  const data = job.progress_data;
  return {
    status: job.status,
    percent: clampPercent(data?.progress_percent ?? (job.status === "completed" ? 100 : 0)),
    currentStep: data?.current_step ?? null,
    steps: (data?.steps ?? []).map((step) => ({ ...step })),
  };
}

function clampPercent(value: number): number {
  return Number.isFinite(value) ? Math.min(100, Math.max(0, Math.round(value))) : 0;
}

function rank(status: StepStatus): number {
  if (status === "pending") return 0;
  if (status === "running") return 1;
  return 2;
}

function moveStep(step: JobStep, status: StepStatus, at: string): JobStep {
  // only forward: pending -> running -> completed/failed/cancelled
  if (rank(status) <= rank(step.status)) return step;
  return {
    ...step,
    status,
    started_at: step.started_at ?? at,
    finished_at: rank(status) === 2 ? (step.finished_at ?? at) : step.finished_at,
  };
}

function ensureStep(steps: JobStep[], name: string, label?: string): JobStep[] {
  if (!name || steps.some((step) => step.name === name)) return steps;
  return [...steps, { name, label: label ?? name, status: "pending", started_at: null, finished_at: null }];
}

function withStep(steps: JobStep[], name: string, status: StepStatus, at: string): JobStep[] {
  return steps.map((step) => (step.name === name ? moveStep(step, status, at) : step));
}

function finishRunning(steps: JobStep[], status: JobStatus, at: string): JobStep[] {
  return steps.map((step) => (step.status === "running" ? moveStep(step, status, at) : step));
}

export function progressReducer(state: ProgressState, action: ProgressAction): ProgressState {
  switch (action.type) {
    case "reset":
      return progressFromJob(action.job);
    case "status": {
      if (isTerminal(state.status)) return state;
      return { ...state, status: action.status };
    }
    case "progress": {
      let steps = state.steps;
      for (const name of action.completedSteps) {
        steps = withStep(ensureStep(steps, name), name, "completed", action.at);
      }
      if (action.currentStep && !action.completedSteps.includes(action.currentStep)) {
        steps = withStep(ensureStep(steps, action.currentStep), action.currentStep, "running", action.at);
      }
      return { ...state, percent: clampPercent(action.percent), currentStep: action.currentStep ?? state.currentStep, steps };
    }
    case "step": {
      let steps = ensureStep(state.steps, action.name, action.label);
      const index = steps.findIndex((step) => step.name === action.name);
      // a step starting means the ones before it are done
      steps = steps.map((step, i) => (i < index && step.status === "running" ? moveStep(step, "completed", action.at) : step));
      steps = withStep(steps, action.name, "running", action.at);
      steps = steps.map((step) => (step.name === action.name && step.label === step.name ? { ...step, label: action.label } : step));
      return { ...state, currentStep: action.name, steps };
    }
    case "complete": {
      const steps = finishRunning(state.steps, action.status, action.at);
      const percent = action.status === "completed" ? 100 : state.percent;
      return { ...state, status: action.status, percent, steps };
    }
  }
}
