import { useEffect, useState } from "react";
import { listArtifacts } from "../api/jobs";
import type { Artifact, Job } from "../api/types";
import { downloadWithAuth } from "../lib/download";
import { errorMessage, formatBytes } from "../lib/format";
import { useToast } from "./Toasts";

/** Artifacts of a finished job; each link downloads with the auth header. */
export function ArtifactList({ job, reloadKey }: { job: Job; reloadKey: number }) {
  const [artifacts, setArtifacts] = useState<Artifact[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const notify = useToast();

  useEffect(() => {
    let cancelled = false;
    listArtifacts(job)
      .then((list) => !cancelled && setArtifacts(list))
      .catch((err: unknown) => !cancelled && setError(errorMessage(err)));
    return () => {
      cancelled = true;
    };
  }, [job.id, job.project_id, reloadKey]);

  if (error) return <p className="error">Artifacts: {error}</p>;
  if (artifacts === null) return <p className="muted">Loading artifacts…</p>;
  if (artifacts.length === 0) return <p className="muted">No artifacts.</p>;
  return (
    <ul className="artifacts">
      {artifacts.map((artifact) => (
        <li key={artifact.name}>
          <a
            href={artifact.url}
            data-testid={`artifact-${artifact.name}`}
            onClick={(event) => {
              event.preventDefault();
              downloadWithAuth(artifact.url, artifact.name.split("/").pop() ?? artifact.name).catch((err: unknown) =>
                notify("error", `Download failed: ${errorMessage(err)}`),
              );
            }}
          >
            {artifact.name}
          </a>{" "}
          <span className="muted">
            {formatBytes(artifact.size_bytes)} · sha256 {artifact.sha256.slice(0, 12)}…
          </span>
        </li>
      ))}
    </ul>
  );
}
