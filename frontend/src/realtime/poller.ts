// The REST fallback: GET .../events?since=<last seq> every 2 s while the socket is down.
// One request at a time; when a page leaves more behind it, the next one goes at once.
import type { EventsPage } from "../api/types";

export interface PollerHandlers {
  /** Current resume point: the highest seq handled so far. */
  since(): number;
  /** Each answer, in order. The poller stops itself if this calls stop(). */
  onPage(page: EventsPage): void;
  /** A failed request; `status` is the HTTP status (0 for network errors). */
  onFailure(status: number): void;
}

export function statusOf(error: unknown): number {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : 0;
}

export class EventPoller {
  private running = false;
  private inFlight = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly fetchPage: (since: number) => Promise<EventsPage>,
    private readonly handlers: PollerHandlers,
    private readonly intervalMs = 2000,
  ) {}

  get active(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.poll();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async poll(): Promise<void> {
    this.timer = null;
    if (!this.running || this.inFlight) return;
    this.inFlight = true;
    const before = this.handlers.since();
    let page: EventsPage;
    try {
      page = await this.fetchPage(before);
    } catch (error) {
      this.inFlight = false;
      this.handlers.onFailure(statusOf(error));
      this.schedule(false);
      return;
    }
    this.inFlight = false;
    // an answer that lands after stop() still carries valid events: hand it over
    this.handlers.onPage(page);
    const after = this.handlers.since();
    this.schedule(after > before && page.last_seq > after);
  }

  private schedule(immediately: boolean): void {
    if (!this.running) return;
    this.timer = setTimeout(() => void this.poll(), immediately ? 0 : this.intervalMs);
  }
}
