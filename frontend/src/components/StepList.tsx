import type { JobStep } from "../api/types";
import { durationBetween } from "../lib/format";

const ICONS: Record<JobStep["status"], string> = {
  pending: "○",
  running: "◐",
  completed: "✓",
  failed: "✗",
  cancelled: "⊘",
};

export function StepList({ steps, now }: { steps: JobStep[]; now: number }) {
  if (steps.length === 0) return <p className="muted">No steps yet.</p>;
  return (
    <ol className="steps">
      {steps.map((step) => (
        <li key={step.name} className={`step step-${step.status}`} data-testid={`step-${step.name}`} data-status={step.status}>
          <span className="step-icon" aria-hidden="true">
            {ICONS[step.status]}
          </span>
          <span className="step-label">{step.label}</span>
          <span className="step-state">{step.status}</span>
          <span className="step-duration">
            {step.started_at ? durationBetween(step.started_at, step.finished_at, now) : ""}
          </span>
        </li>
      ))}
    </ol>
  );
}
