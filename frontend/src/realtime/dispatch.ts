import type { ConnectedData, JobEvent, JobStatus } from "../api/types";

/** The guide's callbacks, all optional. */
export interface JobEventCallbacks {
  onStatusChange?: (status: JobStatus) => void;
  onProgressUpdate?: (progress: number, step: string | null, completedSteps: string[]) => void;
  onLogUpdate?: (logLine: string) => void;
  onStepChange?: (stepName: string, stepLabel: string) => void;
  onComplete?: (status: JobStatus, message: string) => void;
  onError?: (errorMessage: string) => void;
}

export function dispatchJobEvent(event: JobEvent, callbacks: JobEventCallbacks): void {
  switch (event.type) {
    case "status":
      callbacks.onStatusChange?.(event.data.status);
      break;
    case "progress":
      callbacks.onProgressUpdate?.(event.data.progress, event.data.current_step, event.data.completed_steps ?? []);
      break;
    case "log":
      callbacks.onLogUpdate?.(event.data.log_line);
      break;
    case "step":
      callbacks.onStepChange?.(event.data.step_name, event.data.step_label);
      break;
    case "complete":
      callbacks.onComplete?.(event.data.status, event.data.message);
      break;
    case "error":
      callbacks.onError?.(event.data.error_message);
      break;
  }
}

/** The first `connected` message carries the current state: hand it to the callbacks. */
export function dispatchConnected(data: ConnectedData, callbacks: JobEventCallbacks): void {
  callbacks.onStatusChange?.(data.status);
  callbacks.onProgressUpdate?.(data.progress, data.current_step, data.completed_steps ?? []);
}
