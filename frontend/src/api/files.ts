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

export function uploadFiles(projectId: Id, files: File[], folder?: string): Promise<ProjectFile[]> {
  const form = new FormData();
  for (const file of files) form.append("files", file, file.name);
  if (folder) form.append("folder", folder);
  return apiJson<ProjectFile[]>(base(projectId), { method: "POST", body: form });
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
