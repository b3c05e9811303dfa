// Everything the build page shows for one job: its record, progress, log and the live
// feed. Active jobs: GET the job, then connect with since=0 (the replay fills the log).
// Finished jobs: GET the job and the whole log; no socket.
import { useCallback, useEffect, useReducer, useState } from "react";
import { fetchFullLog, getJob } from "../api/jobs";
import { isTerminal, type Id, type Job, type JobStatus } from "../api/types";
import { useToast } from "../components/Toasts";
import { errorMessage } from "../lib/format";
import { progressReducer, type ProgressState } from "../lib/jobProgress";
import { useJobWebSocket } from "./useJobWebSocket";
import { useLogBuffer } from "./useLogBuffer";

const EMPTY: ProgressState = { status: "pending", percent: 0, currentStep: null, steps: [] };
const nowIso = () => new Date().toISOString();

export function useJobPage(jobId: Id) {
  const notify = useToast();
  const [job, setJob] = useState<Job | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  const [finishedAt, setFinishedAt] = useState(0);
  const [progress, dispatch] = useReducer(progressReducer, EMPTY);
  const log = useLogBuffer();
  const { append: appendLog, reset: resetLog } = log;

  const adopt = useCallback((fresh: Job) => {
    setJob(fresh);
    dispatch({ type: "reset", job: fresh });
  }, []);

  useEffect(() => {
    let cancelled = false;
    setJob(null);
    setLoadError(null);
    setLive(false);
    resetLog();
    getJob(jobId)
      .then(async (fresh) => {
        if (cancelled) return;
        adopt(fresh);
        if (!isTerminal(fresh.status)) {
          setLive(true);
          return;
        }
        const text = await fetchFullLog(fresh);
        if (!cancelled) appendLog(text);
      })
      .catch((error: unknown) => {
        if (!cancelled) setLoadError(errorMessage(error));
      });
    return () => {
      cancelled = true;
    };
  }, [jobId, adopt, appendLog, resetLog]);

  const refresh = useCallback(async () => {
    try {
      adopt(await getJob(jobId));
    } catch (error) {
      notify("error", `Could not reload the job: ${errorMessage(error)}`);
    }
  }, [adopt, jobId, notify]);

  const connection = useJobWebSocket({
    jobId,
    enabled: live,
    onStatusChange: (status: JobStatus) => {
      const at = nowIso();
      dispatch({ type: "status", status, at });
      // a job fetched while pending has no started_at: without one the header's duration stays "—"
      setJob((current) =>
        current && !isTerminal(current.status)
          ? { ...current, status, started_at: current.started_at ?? (status === "running" ? at : null) }
          : current,
      );
    },
    onProgressUpdate: (percent, currentStep, completedSteps) =>
      dispatch({ type: "progress", percent, currentStep, completedSteps, at: nowIso() }),
    onLogUpdate: appendLog,
    onStepChange: (name, label) => dispatch({ type: "step", name, label, at: nowIso() }),
    onComplete: (status, message) => {
      dispatch({ type: "complete", status, at: nowIso() });
      setJob((current) => (current ? { ...current, status } : current));
      notify(status === "completed" ? "success" : status === "failed" ? "error" : "info", message || `Job ${status}`);
      setFinishedAt(Date.now());
      void refresh();
    },
    onError: (message) => notify("error", message),
  });

  return { job, loadError, progress, log, connection, live, finishedAt, refresh, adopt };
}
