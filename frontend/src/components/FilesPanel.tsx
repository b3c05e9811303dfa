import { useState } from "react";
import { deleteFile, renameFile } from "../api/files";
import type { Id, ProjectFile } from "../api/types";
import { errorMessage } from "../lib/format";
import { FileEditor } from "./FileEditor";
import { FileTable } from "./FileTable";
import { useToast } from "./Toasts";
import { UploadForm } from "./UploadForm";

interface Props {
  projectId: Id;
  files: ProjectFile[];
  canEdit: boolean;
  onChanged: () => void;
}

export function FilesPanel({ projectId, files, canEdit, onChanged }: Props) {
  const notify = useToast();
  const [open, setOpen] = useState<{ path: string; isNew: boolean } | null>(null);

  const create = () => {
    const path = window.prompt("New file path (e.g. rtl/top.v)")?.trim();
    if (!path) return;
    if (files.some((file) => file.path === path)) setOpen({ path, isNew: false });
    else setOpen({ path, isNew: true });
  };

  const rename = async (from: string) => {
    const to = window.prompt(`Rename ${from} to`, from)?.trim();
    if (!to || to === from) return;
    try {
      await renameFile(projectId, from, to);
      notify("success", `Renamed to ${to}`);
      if (open?.path === from) setOpen({ path: to, isNew: false });
      onChanged();
    } catch (err) {
      notify("error", `Rename failed: ${errorMessage(err)}`);
    }
  };

  const remove = async (path: string) => {
    if (!window.confirm(`Delete ${path}?`)) return;
    try {
      await deleteFile(projectId, path);
      if (open?.path === path) setOpen(null);
      notify("info", `Deleted ${path}`);
      onChanged();
    } catch (err) {
      notify("error", `Delete failed: ${errorMessage(err)}`);
    }
  };

  return (
    <section className="panel">
      <div className="panel-head">
        <h2>Files</h2>
        {canEdit && (
          <button type="button" onClick={create}>
            New file
          </button>
        )}
      </div>
      {canEdit && <UploadForm projectId={projectId} onUploaded={onChanged} />}
      <FileTable files={files} canEdit={canEdit} onOpen={(path) => setOpen({ path, isNew: false })} onRename={rename} onDelete={remove} />
      {open && (
        <FileEditor
          key={open.path}
          projectId={projectId}
          path={open.path}
          isNew={open.isNew}
          readOnly={!canEdit}
          onSaved={() => {
            if (open.isNew) setOpen({ path: open.path, isNew: false });
            onChanged();
          }}
          onClose={() => setOpen(null)}
        />
      )}
    </section>
  );
}
