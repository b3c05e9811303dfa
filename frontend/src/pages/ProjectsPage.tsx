import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { listProjects, type ProjectScope } from "../api/projects";
import type { Project } from "../api/types";
import { CreateProjectForm } from "../components/CreateProjectForm";
import { errorMessage, formatDate } from "../lib/format";

export function ProjectsPage() {
  const [scope, setScope] = useState<ProjectScope>("mine");
  const [projects, setProjects] = useState<Project[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let cancelled = false;
    setProjects(null);
    setError(null);
    listProjects(scope)
      .then((list) => !cancelled && setProjects(list))
      .catch((err: unknown) => !cancelled && setError(errorMessage(err)));
    return () => {
      cancelled = true;
    };
  }, [scope, reload]);

  return (
    <div>
      <header className="page-header">
        <h1>Projects</h1>
      </header>
      <div className="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={scope === "mine"} onClick={() => setScope("mine")}>
          My projects
        </button>
        <button type="button" role="tab" aria-selected={scope === "public"} onClick={() => setScope("public")}>
          Public projects
        </button>
      </div>
      {scope === "mine" && <CreateProjectForm onCreated={() => setReload((n) => n + 1)} />}
      {error && <p className="error">{error}</p>}
      {projects === null && !error && <p className="muted">Loading…</p>}
      {projects && projects.length === 0 && <p className="muted">No projects yet.</p>}
      {projects && projects.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Owner</th>
              <th>Visibility</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {projects.map((project) => (
              <tr key={project.id}>
                <td>
                  <Link to={`/projects/${project.id}`}>{project.name}</Link>
                  {project.description && <div className="muted small">{project.description}</div>}
                </td>
                <td>{project.owner_username}</td>
                <td>{project.visibility}</td>
                <td>{formatDate(project.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
