import { useState } from "react";
import { useNavigate } from "react-router-dom";
import { createJob } from "../api/jobs";
import type { Id, JobCreate, ProjectFile } from "../api/types";
import { isConstraintsFile } from "../lib/devices";
import { errorMessage } from "../lib/format";
import { BuildForm } from "./BuildForm";
import { SimulateForm } from "./SimulateForm";

/** Start a build or a simulation, then go to its build page. */
export function RunPanel({ projectId, files }: { projectId: Id; files: ProjectFile[] }) {
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const constraintFiles = files.filter((file) => isConstraintsFile(file.path)).map((file) => file.path);

  const start = async (body: JobCreate) => {
    setBusy(true);
    setError(null);
    try {
      const job = await createJob(projectId, body);
      navigate(`/jobs/${job.id}`);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <section className="panel">
      <h2>Run</h2>
      {error && <p className="error" role="alert">{error}</p>}
      <div className="run-forms">
        <BuildForm constraintFiles={constraintFiles} busy={busy} onSubmit={(config) => start({ job_type: "build", config })} />
        <SimulateForm busy={busy} onSubmit={(config) => start({ job_type: "simulation", config })} />
      </div>
    </section>
  );
}
