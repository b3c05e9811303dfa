import { apiJson } from "./client";
import type { Id, WsTicket } from "./types";

/** A single-use ticket (valid <= 60 s) for one WebSocket connection attempt. */
export async function getWsTicket(jobId: Id): Promise<string> {
  const body = await apiJson<WsTicket>("/ws/tickets", { method: "POST", json: { job_id: jobId } });
  return body.ticket;
}

/** ws(s)://<same host>/api/v1/ws/jobs/{id}/updates?since=N&ticket=T — never the JWT itself. */
export function jobUpdatesUrl(jobId: Id, since: number, ticket: string, loc: Location = window.location): string {
  const scheme = loc.protocol === "https:" ? "wss:" : "ws:";
  const query = new URLSearchParams({ since: String(since), ticket });
  return `${scheme}//${loc.host}/api/v1/ws/jobs/${jobId}/updates?${query.toString()}`;
}
