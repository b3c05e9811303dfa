import { useEffect, useState } from "react";
import { readFile, writeFile } from "../api/files";
import type { Id, ProjectFile } from "../api/types";
import { errorMessage } from "../lib/format";
import { isVerilogPath } from "../lib/verilogHighlight";
import { CodeEditor } from "./CodeEditor";
import { useToast } from "./Toasts";

interface Props {
  projectId: Id;
  path: string;
  /** A file not yet on the server: start empty. */
  isNew?: boolean;
  readOnly?: boolean;
  onSaved: (file: ProjectFile) => void;
  onClose: () => void;
}

export function FileEditor({ projectId, path, isNew = false, readOnly = false, onSaved, onClose }: Props) {
  const notify = useToast();
  const [text, setText] = useState<string | null>(isNew ? "" : null);
  const [saved, setSaved] = useState(isNew ? "\u0000" : "");
  const [binary, setBinary] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (isNew) return undefined;
    let cancelled = false;
    setText(null);
    setBinary(false);
    setError(null);
    readFile(projectId, path)
      .then((content) => {
        if (cancelled) return;
        if (content.text === null) setBinary(true);
        setText(content.text ?? "");
        setSaved(content.text ?? "");
      })
      .catch((err: unknown) => !cancelled && setError(errorMessage(err)));
    return () => {
      cancelled = true;
    };
  }, [projectId, path, isNew]);

  const dirty = text !== null && text !== saved;

  const save = async () => {
    if (text === null || readOnly || binary) return;
    setBusy(true);
    try {
      const file = await writeFile(projectId, path, text);
      setSaved(text);
      onSaved(file);
      notify("success", `Saved ${path}`);
    } catch (err) {
      notify("error", `Save failed: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  };

  const close = () => {
    if (dirty && !window.confirm(`Discard unsaved changes to ${path}?`)) return;
    onClose();
  };

  return (
    <section className="panel file-editor" aria-label={`Editing ${path}`}>
      <div className="editor-bar">
        <strong className="mono">{path}</strong>
        {dirty && <span className="muted">● unsaved</span>}
        <span className="spacer" />
        {!readOnly && !binary && (
          <button type="button" className="primary" onClick={save} disabled={busy || !dirty}>
            {busy ? "Saving…" : "Save"}
          </button>
        )}
        <button type="button" onClick={close}>
          Close
        </button>
      </div>
      {error && <p className="error">{error}</p>}
      {binary && <p className="muted">Binary file: it cannot be edited here.</p>}
      {text === null && !error && <p className="muted">Loading…</p>}
      {text !== null && !binary && (
        <CodeEditor value={text} onChange={setText} highlight={isVerilogPath(path)} onSave={save} readOnly={readOnly} />
      )}
    </section>
  );
}
