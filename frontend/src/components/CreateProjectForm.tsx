import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";
import { createProject } from "../api/projects";
import type { Visibility } from "../api/types";
import { errorMessage } from "../lib/format";

export function CreateProjectForm({ onCreated }: { onCreated?: () => void }) {
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [visibility, setVisibility] = useState<Visibility>("private");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const project = await createProject({ name: name.trim(), description: description.trim() || undefined, visibility });
      onCreated?.();
      navigate(`/projects/${project.id}`);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel inline-form" onSubmit={submit}>
      <h2>New project</h2>
      <input placeholder="Name" aria-label="Project name" value={name} onChange={(e) => setName(e.target.value)} required />
      <input placeholder="Description (optional)" aria-label="Description" value={description} onChange={(e) => setDescription(e.target.value)} />
      <select aria-label="Visibility" value={visibility} onChange={(e) => setVisibility(e.target.value as Visibility)}>
        <option value="private">Private</option>
        <option value="public">Public</option>
      </select>
      <button type="submit" className="primary" disabled={busy}>
        Create
      </button>
      {error && <p className="error" role="alert">{error}</p>}
    </form>
  );
}
