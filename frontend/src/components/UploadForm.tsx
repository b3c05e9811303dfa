import { useRef, useState, type FormEvent } from "react";
import { uploadFiles } from "../api/files";
import type { Id } from "../api/types";
import { errorMessage } from "../lib/format";
import { useToast } from "./Toasts";

/** Several files as multipart POSTs (field "files", a few MiB per request), optionally into a folder. */
export function UploadForm({ projectId, onUploaded }: { projectId: Id; onUploaded: () => void }) {
  const notify = useToast();
  const input = useRef<HTMLInputElement>(null);
  const [folder, setFolder] = useState("");
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const files = Array.from(input.current?.files ?? []);
    if (files.length === 0) return;
    setBusy(true);
    try {
      const saved = await uploadFiles(projectId, files, folder.trim() || undefined);
      notify("success", `Uploaded ${saved.length} file${saved.length === 1 ? "" : "s"}`);
      if (input.current) input.current.value = "";
      onUploaded();
    } catch (err) {
      notify("error", `Upload failed: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="inline-form" onSubmit={submit}>
      <input ref={input} type="file" multiple aria-label="Files to upload" />
      <input placeholder="Folder (optional)" aria-label="Upload folder" value={folder} onChange={(e) => setFolder(e.target.value)} />
      <button type="submit" disabled={busy}>
        {busy ? "Uploading…" : "Upload"}
      </button>
    </form>
  );
}
