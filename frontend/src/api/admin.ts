import { apiJson } from "./client";
import type { AdminConnections } from "./types";

export function listConnections(): Promise<AdminConnections> {
  return apiJson<AdminConnections>("/admin/connections");
}
