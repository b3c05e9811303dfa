// Renders useJobWebSocket against a FakeJobServer with fake timers and records every
// callback, so tests read like the user's timeline.
import { act, renderHook } from "@testing-library/react";
import { WebSocket as MockWebSocket } from "mock-socket";
import { vi } from "vitest";
import type { JobStatus } from "../src/api/types";
import { useJobWebSocket, type UseJobWebSocketOptions } from "../src/hooks/useJobWebSocket";
import { FakeJobServer, JOB_ID } from "./fakeJobServer";

export interface Recorded {
  statuses: JobStatus[];
  progress: [number, string | null, string[]][];
  logs: string[];
  steps: [string, string][];
  completes: [JobStatus, string][];
  errors: string[];
}

const realWebSocket = globalThis.WebSocket;

export function installFakes(): void {
  vi.useFakeTimers();
  globalThis.WebSocket = MockWebSocket as unknown as typeof WebSocket;
}

export function removeFakes(): void {
  vi.useRealTimers();
  globalThis.WebSocket = realWebSocket;
}

/** Let `ms` of fake time pass, running timers, promises and React updates. */
export async function advance(ms = 0): Promise<void> {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
}

/** A few short steps: lets fetch bodies, the ticket, the socket and React all catch up. */
export async function settle(rounds = 6, ms = 20): Promise<void> {
  for (let i = 0; i < rounds; i += 1) await advance(ms);
}

export function callbacks(recorded: Recorded): Partial<UseJobWebSocketOptions> {
  return {
    onStatusChange: (status) => recorded.statuses.push(status),
    onProgressUpdate: (percent, step, done) => recorded.progress.push([percent, step, done]),
    onLogUpdate: (line) => recorded.logs.push(line),
    onStepChange: (name, label) => recorded.steps.push([name, label]),
    onComplete: (status, message) => recorded.completes.push([status, message]),
    onError: (message) => recorded.errors.push(message),
  };
}

export function mountHook(server: FakeJobServer, extra: Partial<UseJobWebSocketOptions> = {}) {
  const recorded: Recorded = { statuses: [], progress: [], logs: [], steps: [], completes: [], errors: [] };
  let tickets = 0;
  const getTicket = vi.fn(async () => `ticket-${++tickets}`);
  const fetchEvents = vi.fn(server.eventsSince);
  const initialProps: UseJobWebSocketOptions = {
    jobId: JOB_ID,
    getTicket,
    fetchEvents,
    ...callbacks(recorded),
    ...extra,
  };
  const hook = renderHook((props: UseJobWebSocketOptions) => useJobWebSocket(props), { initialProps });
  return { recorded, getTicket, fetchEvents, hook, initialProps };
}

/** `n` log events "line 1\n" ... as the server would store them. */
export function addLogs(server: FakeJobServer, from: number, to: number, live = true): void {
  for (let i = from; i <= to; i += 1) server.add("log", { log_line: `line ${i}\n` }, live);
}

export function expectedLines(from: number, to: number): string[] {
  const lines: string[] = [];
  for (let i = from; i <= to; i += 1) lines.push(`line ${i}\n`);
  return lines;
}
