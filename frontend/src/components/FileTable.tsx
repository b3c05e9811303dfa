import type { ProjectFile } from "../api/types";
import { formatBytes, formatDate } from "../lib/format";

interface Props {
  files: ProjectFile[];
  canEdit: boolean;
  onOpen: (path: string) => void;
  onRename: (path: string) => void;
  onDelete: (path: string) => void;
}

export function FileTable({ files, canEdit, onOpen, onRename, onDelete }: Props) {
  if (files.length === 0) return <p className="muted">No files yet.</p>;
  return (
    <table className="table files">
      <thead>
        <tr>
          <th>Path</th>
          <th>Size</th>
          <th>Updated</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {files.map((file) => (
          <tr key={file.path} data-testid={`file-${file.path}`}>
            <td>
              <button type="button" className="link mono" onClick={() => onOpen(file.path)}>
                {file.path}
              </button>
            </td>
            <td>{formatBytes(file.size_bytes)}</td>
            <td>{formatDate(file.updated_at)}</td>
            <td className="actions">
              {canEdit && (
                <>
                  <button type="button" onClick={() => onRename(file.path)}>
                    Rename
                  </button>
                  <button type="button" className="danger" onClick={() => onDelete(file.path)}>
                    Delete
                  </button>
                </>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
