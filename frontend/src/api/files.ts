import { apiJson, apiRequest, encodePath } from "./client";
import type { Id, ProjectFile } from "./types";

const base = (projectId: Id) => `/projects/${projectId}/files`;

export function listFiles(projectId: Id): Promise<ProjectFile[]> {
  return apiJson<ProjectFile[]>(base(projectId));
}

export interface FileContent {
  /** The text, or null when the server sent binary data. */
  text: string | null;
  blob: Blob;
}

export async function readFile(projectId: Id, path: string): Promise<FileContent> {
  const response = await apiRequest(`${base(projectId)}/${encodePath(path)}`);
  const blob = await response.blob();
  const type = response.headers.get("Content-Type") ?? "";
  const isText = type === "" || type.startsWith("text/") || type.includes("json");
  return { text: isText ? await blob.text() : null, blob };
}

export function writeFile(projectId: Id, path: string, content: string | Blob): Promise<ProjectFile> {
  const headers = { "Content-Type": typeof content === "string" ? "text/plain; charset=utf-8" : "application/octet-stream" };
  return apiJson<ProjectFile>(`${base(projectId)}/${encodePath(path)}`, { method: "PUT", body: content, headers });
}

/** Bytes of files per upload request: well under the hub's cap on a request body (8 MiB by default). */
export const UPLOAD_BATCH_BYTES = 4 * 1024 * 1024;

/** Files in order, grouped so each group's total stays within `limit` (a bigger file goes alone). */
export function uploadBatches(files: File[], limit: number = UPLOAD_BATCH_BYTES): File[][] {
  const batches: File[][] = [];
  let current: File[] = [];
  let size = 0;
  for (const file of files) {
    if (current.length > 0 && size + file.size > limit) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(file);
    size += file.size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Several files as multipart POSTs (field "files"), a few MiB per request, one after the other. */
export async function uploadFiles(projectId: Id, files: File[], folder?: string): Promise<ProjectFile[]> {
  const saved: ProjectFile[] = [];
  for (const batch of uploadBatches(files)) {
    const form = new FormData();
    for (const file of batch) form.append("files", file, file.name);
    if (folder) form.append("folder", folder);
    saved.push(...(await apiJson<ProjectFile[]>(base(projectId), { method: "POST", body: form })));
  }
  return saved;
}

export function deleteFile(projectId: Id, path: string): Promise<void> {
  return apiJson<void>(`${base(projectId)}/${encodePath(path)}`, { method: "DELETE" });
}

/** No rename endpoint: copy to the new path, then delete the old one. */
export async function renameFile(projectId: Id, from: string, to: string): Promise<ProjectFile> {
  const { blob, text } = await readFile(projectId, from);
  const saved = await writeFile(projectId, to, text ?? blob);
  await deleteFile(projectId, from);
  return saved;
}
