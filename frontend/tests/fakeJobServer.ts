// A fake a6hub WebSocket endpoint built on mock-socket: it speaks the real protocol
// (connected hello, replay of every event with seq > since, ping/pong, close codes)
// and keeps the job's events so the REST /events fallback can be served from them.
import { Server, type Client } from "mock-socket";
import type { EventsPage, JobEvent, JobEventDataMap, JobEventType } from "../src/api/types";

export const JOB_ID = 42;
export const WS_URL = `ws://localhost:3000/api/v1/ws/jobs/${JOB_ID}/updates`;

export class FakeJobServer {
  readonly events: JobEvent[] = [];
  /** One entry per accepted connection: the `since` it asked for. */
  readonly connections: { since: number; ticket: string | null }[] = [];
  readonly received: unknown[] = [];
  /** Set to a close code to refuse the next connections with it (after accepting). */
  refuseWith: number | null = null;
  private server: Server | null = null;
  private sockets = new Set<Client>();

  constructor() {
    this.up();
  }

  get isUp(): boolean {
    return this.server !== null;
  }

  up(): void {
    if (this.server) return;
    const server = new Server(WS_URL, { mock: false });
    server.on("connection", (socket) => this.accept(socket));
    this.server = server;
  }

  /** Server gone: open sockets get `code`, new attempts fail. */
  down(code = 1006): void {
    const server = this.server;
    this.server = null;
    this.sockets.clear();
    server?.close({ code, reason: "down", wasClean: false });
  }

  /** Close every open socket with `code`, server stays up. */
  drop(code = 1006): void {
    for (const socket of this.sockets) socket.close({ code, reason: "drop", wasClean: false });
    this.sockets.clear();
  }

  add<K extends JobEventType>(type: K, data: JobEventDataMap[K], live = true): JobEvent {
    const event = { type, data, seq: this.events.length + 1, timestamp: new Date().toISOString() } as JobEvent;
    this.events.push(event);
    if (live) for (const socket of this.sockets) socket.send(JSON.stringify(event));
    return event;
  }

  /** Send a raw frame to every open socket (e.g. an old seq again). */
  sendRaw(message: unknown): void {
    for (const socket of this.sockets) socket.send(JSON.stringify(message));
  }

  get openSockets(): number {
    return this.sockets.size;
  }

  /** The REST fallback, GET .../events?since=N. */
  eventsSince = async (_jobId: number, since: number): Promise<EventsPage> => {
    const events = this.events.filter((event) => event.seq > since);
    const done = this.events.some((event) => event.type === "complete");
    return { events, last_seq: this.events.length, done };
  };

  stop(): void {
    this.server?.stop();
    this.server = null;
  }

  private accept(socket: Client): void {
    const query = new URL(socket.url).searchParams;
    const since = Number(query.get("since") ?? "0");
    this.connections.push({ since, ticket: query.get("ticket") });
    if (this.refuseWith !== null) {
      socket.close({ code: this.refuseWith, reason: "refused", wasClean: true });
      return;
    }
    this.sockets.add(socket);
    socket.on("message", (raw) => {
      const message = JSON.parse(String(raw)) as { type: string };
      this.received.push(message);
      if (message.type === "ping") socket.send(JSON.stringify({ type: "pong", data: {} }));
    });
    socket.on("close", () => this.sockets.delete(socket));
    const last = this.events.at(-1);
    socket.send(
      JSON.stringify({
        type: "connected",
        data: { job_id: JOB_ID, status: "running", current_step: "synthesis", progress: 30, completed_steps: [], last_seq: last?.seq ?? 0 },
      }),
    );
    for (const event of this.events) if (event.seq > since) socket.send(JSON.stringify(event));
    if (this.events.some((event) => event.type === "complete")) socket.close({ code: 1000, reason: "complete", wasClean: true });
  }
}
