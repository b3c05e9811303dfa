import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { cancelJob, fetchFullLog } from "../api/jobs";
import { isTerminal, type Job } from "../api/types";
import { ArtifactList } from "../components/ArtifactList";
import { ConnectionIndicator } from "../components/ConnectionIndicator";
import { LogViewer } from "../components/LogViewer";
import { ProgressPanel } from "../components/ProgressPanel";
import { StatusBadge } from "../components/StatusBadge";
import { SummaryCard } from "../components/SummaryCard";
import { useToast } from "../components/Toasts";
import { useJobPage } from "../hooks/useJobPage";
import { saveBlob } from "../lib/download";
import { durationBetween, errorMessage, formatDate } from "../lib/format";

function jobTitle(job: Job): string {
  const top = job.config.top ? ` · ${job.config.top}` : "";
  const flow = job.job_type === "build" && "flow" in job.config ? ` (${job.config.flow})` : "";
  return `${job.job_type === "build" ? "Build" : "Simulation"} #${job.id}${flow}${top}`;
}

/** Keyed by job id: moving to another job starts from a clean slate (no stale socket). */
export function JobPage() {
  const jobId = Number(useParams().jobId);
  if (!Number.isInteger(jobId)) return <p className="error">Bad job id.</p>;
  return <JobView key={jobId} jobId={jobId} />;
}

function JobView({ jobId }: { jobId: number }) {
  const { job, loadError, progress, log, connection, live, finishedAt, adopt } = useJobPage(jobId);
  const notify = useToast();
  const [cancelling, setCancelling] = useState(false);

  if (loadError) return <p className="error" role="alert">{loadError}</p>;
  if (!job) return <p className="muted">Loading job…</p>;

  const status = isTerminal(job.status) ? job.status : progress.status;
  const active = !isTerminal(status);

  const cancel = async () => {
    setCancelling(true);
    try {
      adopt(await cancelJob(job));
      notify("info", "Cancel requested");
    } catch (error) {
      notify("error", `Cancel failed: ${errorMessage(error)}`);
    } finally {
      setCancelling(false);
    }
  };

  // the whole log from the server (GET /logs, with auth), not just what this page holds
  const downloadLog = () =>
    fetchFullLog(job)
      .then((text) => saveBlob(new Blob([text], { type: "text/plain" }), `job-${job.id}.log`))
      .catch((error: unknown) => notify("error", `Download failed: ${errorMessage(error)}`));

  return (
    <div className="job-page">
      <header className="page-header">
        <div>
          <p className="crumbs">
            <Link to={`/projects/${job.project_id}`}>← Project</Link>
          </p>
          <h1>{jobTitle(job)}</h1>
          <p className="muted">
            Created {formatDate(job.created_at)} · duration {durationBetween(job.started_at, job.completed_at)}
          </p>
        </div>
        <div className="header-side">
          <StatusBadge status={status} testId="job-status" />
          {live && <ConnectionIndicator {...connection} />}
          {active && (
            <button type="button" className="danger" data-testid="cancel-button" onClick={cancel} disabled={cancelling}>
              {cancelling ? "Cancelling…" : "Cancel"}
            </button>
          )}
        </div>
      </header>
      {job.error_message && <p className="error">{job.error_message}</p>}
      <ProgressPanel progress={{ ...progress, status }} />
      <LogViewer
        buffer={log.buffer}
        version={log.version}
        emptyText={active ? "Waiting for output…" : "This job produced no output."}
        actions={
          <a
            href={`/api/v1/projects/${job.project_id}/jobs/${job.id}/logs`}
            className="button"
            data-testid="download-log"
            onClick={(event) => {
              event.preventDefault();
              void downloadLog();
            }}
          >
            Download full log
          </a>
        }
      />
      {!active && <SummaryCard job={job} reloadKey={finishedAt} />}
      {!active && (
        <section className="panel">
          <h2>Artifacts</h2>
          <ArtifactList job={job} reloadKey={finishedAt} />
        </section>
      )}
    </div>
  );
}
