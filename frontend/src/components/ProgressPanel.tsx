import { useEffect, useState } from "react";
import { isTerminal } from "../api/types";
import type { ProgressState } from "../lib/jobProgress";
import { ProgressBar } from "./ProgressBar";
import { StepList } from "./StepList";

/** Progress bar, current step and the step list; running durations tick every second. */
export function ProgressPanel({ progress }: { progress: ProgressState }) {
  const [now, setNow] = useState(() => Date.now());
  const running = !isTerminal(progress.status);
  useEffect(() => {
    if (!running) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);

  const current = progress.steps.find((step) => step.name === progress.currentStep);
  return (
    <section className="panel progress-panel">
      <ProgressBar percent={progress.percent} status={progress.status} />
      <p className="current-step">
        Current step:{" "}
        <strong data-testid="current-step">{current?.label ?? progress.currentStep ?? "—"}</strong>
      </p>
      <StepList steps={progress.steps} now={now} />
    </section>
  );
}
