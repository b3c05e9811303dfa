// Shapes and fixed texts of JobStream, and what each close code / HTTP status means.
import type { ConnectedData, EventsPage, Id, JobEvent } from "../api/types";

export type StreamMode = "live" | "polling" | "idle" | "done";

export interface StreamState {
  isConnected: boolean;
  connectionError: string | null;
  mode: StreamMode;
  lastSeq: number;
}

export interface StreamListener {
  /** Job events, strictly increasing seq, each exactly once. */
  onEvent(event: JobEvent): void;
  /** The server's `connected` hello; `first` is true for the first connection only. */
  onConnected(data: ConnectedData, first: boolean): void;
  onState(state: StreamState): void;
}

export interface StreamDeps {
  getTicket(jobId: Id): Promise<string>;
  fetchEvents(jobId: Id, since: number): Promise<EventsPage>;
  socketUrl(jobId: Id, since: number, ticket: string): string;
  createSocket?(url: string): WebSocket;
  random?(): number;
  pollIntervalMs?: number;
  pingIntervalMs?: number;
}

export const SESSION_EXPIRED = "Your session expired — sign in again";
export const FORBIDDEN = "You do not have access to this job";
export const NOT_FOUND = "This job does not exist";
export const ORIGIN_REFUSED = "Live updates refused by the server (origin policy)";
export const FALLBACK_NOTICE = "Live connection lost — polling for updates";

/** Why the socket must not be retried, and whether polling may go on. */
export interface Refusal {
  message: string;
  /** false: stop everything (no socket, no polling). */
  keepPolling: boolean;
}

/** null: a recoverable close (drop, 1000 before complete, 1011, 1012, 1013 ...): retry. */
export function refusalForClose(code: number): Refusal | null {
  switch (code) {
    // the ticket was refused; the REST API may still take our token, so keep polling
    // (a 401 there ends everything and the app returns to /login)
    case 4401:
      return { message: SESSION_EXPIRED, keepPolling: true };
    case 4403:
      return { message: FORBIDDEN, keepPolling: false };
    case 4404:
      return { message: NOT_FOUND, keepPolling: false };
    case 1008:
      return { message: ORIGIN_REFUSED, keepPolling: true };
    default:
      return null;
  }
}

/** For HTTP failures of the ticket or /events requests; null: transient, try again. */
export function refusalForStatus(status: number): Refusal | null {
  if (status === 401) return { message: SESSION_EXPIRED, keepPolling: false };
  if (status === 403) return { message: FORBIDDEN, keepPolling: false };
  if (status === 404) return { message: NOT_FOUND, keepPolling: false };
  return null;
}
