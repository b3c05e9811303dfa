// The live feed of one job, outside React: a WebSocket with ticket auth, resume by
// seq, reconnect with backoff, keep-alive pings, and a polling fallback that feeds the
// same ordered, de-duplicated event stream while the socket is down.
import type { ConnectedData, EventsPage, Id, JobEvent, ServerMessage } from "../api/types";
import { reconnectDelay, slowRetryDelay } from "./backoff";
import { startKeepAlive } from "./keepAlive";
import { EventPoller, statusOf } from "./poller";
import {
  FALLBACK_NOTICE,
  refusalForClose,
  refusalForStatus,
  type Refusal,
  type StreamDeps,
  type StreamListener,
  type StreamState,
} from "./streamTypes";

export * from "./streamTypes";

const SEQ_NOTIFY_MS = 250;

type Timer = ReturnType<typeof setTimeout>;

export class JobStream {
  private state: StreamState;
  private socket: WebSocket | null = null;
  private connecting = false;
  private fastAttempts = 0;
  private everConnected = false;
  private stopped = false;
  private socketAllowed = true;
  private readonly poller: EventPoller;
  private retryTimer: Timer | null = null;
  private seqTimer: Timer | null = null;
  private stopPing: () => void = () => undefined;

  constructor(
    private readonly jobId: Id,
    private readonly listener: StreamListener,
    private readonly deps: StreamDeps,
    since = 0,
  ) {
    this.state = { isConnected: false, connectionError: null, mode: "idle", lastSeq: since };
    this.poller = new EventPoller(
      (from) => this.deps.fetchEvents(this.jobId, from),
      {
        since: () => this.state.lastSeq,
        onPage: (page) => this.onPage(page),
        onFailure: (status) => this.onPollFailure(status),
      },
      this.deps.pollIntervalMs ?? 2000,
    );
  }

  get snapshot(): StreamState {
    return { ...this.state };
  }

  start(): void {
    void this.connect();
  }

  /** Stops sockets, timers and polling for good (unmount, job change). */
  stop(): void {
    this.stopped = true;
    this.clearTimers();
    this.poller.stop();
    this.closeSocket(1000, "client stopped");
  }

  private async connect(): Promise<void> {
    this.retryTimer = null;
    if (this.stopped || !this.socketAllowed || this.socket || this.connecting) return;
    this.connecting = true;
    let ticket: string;
    try {
      ticket = await this.deps.getTicket(this.jobId);
    } catch (error) {
      this.connecting = false;
      if (!this.stopped) this.onConnectFailure(statusOf(error));
      return;
    }
    this.connecting = false;
    if (this.stopped || !this.socketAllowed) return;
    const url = this.deps.socketUrl(this.jobId, this.state.lastSeq, ticket);
    const socket = this.deps.createSocket ? this.deps.createSocket(url) : new WebSocket(url);
    this.socket = socket;
    socket.onmessage = (event: MessageEvent) => {
      if (this.socket === socket) this.handleMessage(event.data);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket === socket) this.handleClose(event.code);
    };
    socket.onerror = () => undefined; // a close event always follows
  }

  private onConnectFailure(status: number): void {
    const refusal = refusalForStatus(status);
    if (refusal) this.refuse(refusal);
    else this.socketDown();
  }

  private handleMessage(raw: unknown): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(String(raw)) as ServerMessage;
    } catch {
      return;
    }
    if ("seq" in message && typeof message.seq === "number") {
      this.deliver(message);
      return;
    }
    if (message.type === "connected") this.onConnectedMessage(message.data);
    else if (message.type === "error") this.setState({ connectionError: message.data.error_message });
  }

  private onConnectedMessage(data: ConnectedData): void {
    this.fastAttempts = 0;
    this.clearTimer("retryTimer");
    this.poller.stop();
    const first = !this.everConnected;
    this.everConnected = true;
    this.setState({ isConnected: true, connectionError: null, mode: "live" });
    this.stopPing();
    if (this.socket) this.stopPing = startKeepAlive(this.socket, this.deps.pingIntervalMs);
    this.listener.onConnected(data, first);
  }

  private handleClose(code: number): void {
    this.socket = null;
    this.stopPing();
    if (this.stopped) return;
    const refusal = refusalForClose(code);
    if (refusal) this.refuse(refusal);
    else this.socketDown();
  }

  /** Recoverable loss (drop, 1013 slow consumer, server restart): poll and retry. */
  private socketDown(): void {
    this.setState({ isConnected: false, mode: "polling" });
    this.startPolling();
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.retryTimer || this.stopped) return;
    const random = this.deps.random ?? Math.random;
    let delay = reconnectDelay(this.fastAttempts, random);
    if (delay === null) {
      delay = slowRetryDelay(random);
      if (this.state.connectionError === null) this.setState({ connectionError: FALLBACK_NOTICE });
    } else {
      this.fastAttempts += 1;
    }
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  /** The socket will not work for this session; polling may go on, or everything stops. */
  private refuse({ message, keepPolling }: Refusal): void {
    this.socketAllowed = false;
    this.clearTimer("retryTimer");
    this.setState({ isConnected: false, connectionError: message, mode: keepPolling ? "polling" : "idle" });
    if (keepPolling) {
      this.startPolling();
      return;
    }
    this.poller.stop();
    this.clearTimers();
    this.closeSocket(1000, "refused");
    this.stopped = true;
  }

  private closeSocket(code: number, reason: string): void {
    const socket = this.socket;
    this.socket = null;
    this.stopPing();
    if (!socket) return;
    socket.onmessage = null;
    socket.onclose = null;
    if (socket.readyState === 0 || socket.readyState === 1) socket.close(code, reason);
  }

  private deliver(event: JobEvent): void {
    if (this.state.mode === "done" || event.seq <= this.state.lastSeq) return;
    this.state.lastSeq = event.seq;
    this.scheduleSeqNotify();
    this.listener.onEvent(event);
    if (event.type === "complete") this.finish();
  }

  /** After `complete`: no reconnect, no polling, ever. */
  private finish(): void {
    this.clearTimers();
    this.poller.stop();
    this.closeSocket(1000, "job complete");
    this.stopped = true;
    this.setState({ isConnected: false, mode: "done", connectionError: null });
  }

  private startPolling(): void {
    if (!this.stopped) this.poller.start();
  }

  private onPage(page: EventsPage): void {
    if (this.stopped) return;
    for (const event of page.events) this.deliver(event);
    if (page.done && !this.stopped) this.finish();
  }

  private onPollFailure(status: number): void {
    const refusal = refusalForStatus(status);
    if (refusal) this.refuse(refusal); // anything else: the poller tries again in 2 s
  }

  private setState(patch: Partial<StreamState>): void {
    this.clearTimer("seqTimer");
    this.state = { ...this.state, ...patch };
    this.listener.onState({ ...this.state });
  }

  /** lastSeq alone changes on every event: tell React at most every 250 ms. */
  private scheduleSeqNotify(): void {
    if (this.seqTimer) return;
    this.seqTimer = setTimeout(() => {
      this.seqTimer = null;
      this.listener.onState({ ...this.state });
    }, SEQ_NOTIFY_MS);
  }

  private clearTimer(name: "retryTimer" | "seqTimer"): void {
    const timer = this[name];
    if (timer) clearTimeout(timer);
    this[name] = null;
  }

  private clearTimers(): void {
    this.clearTimer("retryTimer");
    this.clearTimer("seqTimer");
    this.stopPing();
  }
}
