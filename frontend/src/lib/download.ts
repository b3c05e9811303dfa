import { apiRequest } from "../api/client";

/** Hands a blob to the browser as a file download. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.rel = "noopener";
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Authenticated download: fetch with the Bearer header, then save the blob. */
export async function downloadWithAuth(path: string, filename: string): Promise<void> {
  const response = await apiRequest(path);
  saveBlob(await response.blob(), filename);
}
