import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { listJobs } from "../api/jobs";
import type { Id, Job, JobList } from "../api/types";
import { durationBetween, errorMessage, formatDate } from "../lib/format";
import { StatusBadge } from "./StatusBadge";

const PAGE = 20;

function result(job: Job): string {
  if (job.error_message) return job.error_message;
  if (job.status === "completed") return "OK";
  if (job.status === "cancelled") return "Cancelled";
  return job.progress_data?.current_step ? `${job.progress_data.progress_percent}% · ${job.progress_data.current_step}` : "—";
}

/** Newest first, paged; refreshes every 5 s while a job of the page is still active. */
export function JobsTable({ projectId, reloadKey }: { projectId: Id; reloadKey: number }) {
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<JobList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let cancelled = false;
    listJobs(projectId, PAGE, offset)
      .then((list) => {
        if (!cancelled) {
          setPage(list);
          setError(null);
        }
      })
      .catch((err: unknown) => !cancelled && setError(errorMessage(err)));
    return () => {
      cancelled = true;
    };
  }, [projectId, offset, reloadKey, tick]);

  const anyActive = page?.items.some((job) => job.status === "pending" || job.status === "running") ?? false;
  useEffect(() => {
    if (!anyActive) return undefined;
    const timer = setInterval(() => setTick((n) => n + 1), 5000);
    return () => clearInterval(timer);
  }, [anyActive]);

  if (error) return <p className="error">{error}</p>;
  if (!page) return <p className="muted">Loading jobs…</p>;
  if (page.total === 0) return <p className="muted">No jobs yet.</p>;
  return (
    <>
      <table className="table jobs">
        <thead>
          <tr>
            <th>Job</th>
            <th>Type</th>
            <th>Status</th>
            <th>Created</th>
            <th>Duration</th>
            <th>Result</th>
          </tr>
        </thead>
        <tbody>
          {page.items.map((job) => (
            <tr key={job.id}>
              <td>
                <Link to={`/jobs/${job.id}`}>#{job.id}</Link>
              </td>
              <td>{job.job_type}</td>
              <td>
                <StatusBadge status={job.status} />
              </td>
              <td>{formatDate(job.created_at)}</td>
              <td>{durationBetween(job.started_at, job.completed_at)}</td>
              <td className="result">{result(job)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="pager">
        <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
          ← Newer
        </button>
        <span className="muted">
          {offset + 1}–{Math.min(offset + PAGE, page.total)} of {page.total}
        </span>
        <button type="button" disabled={offset + PAGE >= page.total} onClick={() => setOffset(offset + PAGE)}>
          Older →
        </button>
      </div>
    </>
  );
}
