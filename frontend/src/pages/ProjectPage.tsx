import { useCallback, useEffect, useState } from "react";
import { useNavigate, useParams } from "react-router-dom";
import { listFiles } from "../api/files";
import { deleteProject, getProject } from "../api/projects";
import type { Project, ProjectFile } from "../api/types";
import { useAuth } from "../auth/AuthContext";
import { FilesPanel } from "../components/FilesPanel";
import { JobsTable } from "../components/JobsTable";
import { RunPanel } from "../components/RunPanel";
import { useToast } from "../components/Toasts";
import { errorMessage } from "../lib/format";

export function ProjectPage() {
  const projectId = Number(useParams().projectId);
  const { user } = useAuth();
  const notify = useToast();
  const navigate = useNavigate();
  const [project, setProject] = useState<Project | null>(null);
  const [files, setFiles] = useState<ProjectFile[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const loadFiles = useCallback(() => {
    listFiles(projectId)
      .then(setFiles)
      .catch((err: unknown) => notify("error", `Could not list files: ${errorMessage(err)}`));
  }, [projectId, notify]);

  useEffect(() => {
    setProject(null);
    setFiles(null);
    setError(null);
    getProject(projectId)
      .then(setProject)
      .catch((err: unknown) => setError(errorMessage(err)));
    loadFiles();
  }, [projectId, loadFiles]);

  if (!Number.isInteger(projectId)) return <p className="error">Bad project id.</p>;
  if (error) return <p className="error" role="alert">{error}</p>;
  if (!project) return <p className="muted">Loading project…</p>;

  const canEdit = user !== null && (user.id === project.owner_id || user.is_admin);

  const remove = async () => {
    if (!window.confirm(`Delete project ${project.name} with all its files and jobs?`)) return;
    try {
      await deleteProject(project.id);
      navigate("/projects");
    } catch (err) {
      notify("error", `Delete failed: ${errorMessage(err)}`);
    }
  };

  return (
    <div className="project-page">
      <header className="page-header">
        <div>
          <h1>{project.name}</h1>
          <p className="muted">
            {project.owner_username}/{project.slug} · {project.visibility}
          </p>
          {project.description && <p>{project.description}</p>}
        </div>
        {canEdit && (
          <button type="button" className="danger" onClick={remove}>
            Delete project
          </button>
        )}
      </header>
      {files === null ? (
        <p className="muted">Loading files…</p>
      ) : (
        <>
          <FilesPanel projectId={project.id} files={files} canEdit={canEdit} onChanged={loadFiles} />
          {canEdit && <RunPanel projectId={project.id} files={files} />}
        </>
      )}
      <section className="panel">
        <h2>Jobs</h2>
        <JobsTable projectId={project.id} reloadKey={0} />
      </section>
    </div>
  );
}
