import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeJobServer } from "./fakeJobServer";
import { addLogs, advance, expectedLines, installFakes, mountHook, removeFakes } from "./jobSocketHarness";

let server: FakeJobServer;

beforeEach(() => {
  installFakes();
  server = new FakeJobServer();
});

afterEach(() => {
  server.stop();
  removeFakes();
});

describe("useJobWebSocket: connecting", () => {
  it("connects with a fresh ticket and since=0, reports live and replays every event in order", async () => {
    server.add("status", { status: "running" });
    server.add("step", { step_name: "synthesis", step_label: "Synthesis" });
    addLogs(server, 1, 3);
    const { hook, recorded, getTicket } = mountHook(server);
    await advance(10);

    expect(getTicket).toHaveBeenCalledTimes(1);
    expect(server.connections).toEqual([{ since: 0, ticket: "ticket-1" }]);
    expect(hook.result.current.isConnected).toBe(true);
    expect(hook.result.current.mode).toBe("live");
    expect(hook.result.current.connectionError).toBeNull();
    // first `connected`: its state is handed to the callbacks, then the replay follows
    expect(recorded.statuses).toEqual(["running", "running"]);
    expect(recorded.progress[0]).toEqual([30, "synthesis", []]);
    expect(recorded.steps).toEqual([["synthesis", "Synthesis"]]);
    expect(recorded.logs).toEqual(expectedLines(1, 3));
    await advance(300);
    expect(hook.result.current.lastSeq).toBe(5);
  });

  it("does not connect while disabled", async () => {
    const { hook, getTicket } = mountHook(server, { enabled: false });
    await advance(5000);
    expect(getTicket).not.toHaveBeenCalled();
    expect(server.connections).toHaveLength(0);
    expect(hook.result.current.mode).toBe("idle");
  });

  it("never reconnects when re-rendered with new callback functions, and uses the newest ones", async () => {
    const { hook, initialProps } = mountHook(server);
    await advance(10);
    const seen: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      hook.rerender({ ...initialProps, onLogUpdate: (line: string) => seen.push(`r${i}:${line}`) });
      await advance(10);
    }
    addLogs(server, 1, 1);
    await advance(10);
    expect(server.connections).toHaveLength(1);
    expect(seen).toEqual(["r4:line 1\n"]);
  });

  it("sends a ping every 30 s while connected", async () => {
    mountHook(server);
    await advance(10);
    expect(server.received).toEqual([]);
    await advance(30_000);
    expect(server.received).toEqual([{ type: "ping" }]);
    await advance(30_000);
    expect(server.received).toHaveLength(2);
  });
});

describe("useJobWebSocket: resume and de-duplication", () => {
  it("reconnects after a drop with since=<last seq> and loses or repeats nothing", async () => {
    const { hook, recorded } = mountHook(server);
    await advance(10);
    addLogs(server, 1, 3);
    await advance(10);
    server.drop(1006);
    await advance(10);
    expect(hook.result.current.isConnected).toBe(false);
    addLogs(server, 4, 5, false); // happen while we are away
    await advance(1000); // first retry is 500 ms +/- 20 %
    expect(server.connections.map((c) => c.since)).toEqual([0, 3]);
    expect(server.connections[1]?.ticket).toBe("ticket-2");
    addLogs(server, 6, 6);
    await advance(10);
    expect(hook.result.current.isConnected).toBe(true);
    expect(recorded.logs).toEqual(expectedLines(1, 6));
  });

  it("drops an event whose seq was already seen (server replay)", async () => {
    const { recorded } = mountHook(server);
    await advance(10);
    addLogs(server, 1, 3);
    await advance(10);
    server.sendRaw(server.events[1]);
    server.sendRaw(server.events[2]);
    addLogs(server, 4, 4);
    await advance(10);
    expect(recorded.logs).toEqual(expectedLines(1, 4));
  });

  it("reconnects and resumes after 1013 (slow consumer)", async () => {
    const { recorded } = mountHook(server);
    await advance(10);
    addLogs(server, 1, 2);
    await advance(10);
    server.drop(1013);
    await advance(10);
    addLogs(server, 3, 4, false);
    await advance(1000);
    expect(server.connections.map((c) => c.since)).toEqual([0, 2]);
    expect(recorded.logs).toEqual(expectedLines(1, 4));
  });
});

describe("useJobWebSocket: backoff", () => {
  it("retries 5 times with exponentially growing, jittered delays, then only slowly (polling meanwhile)", async () => {
    server.down();
    const attemptTimes: number[] = [];
    const getTicket = async () => {
      attemptTimes.push(Date.now());
      return "t";
    };
    const { hook, fetchEvents } = mountHook(server, { getTicket });
    for (let i = 0; i < 40; i += 1) await advance(500); // 20 s
    expect(attemptTimes).toHaveLength(6); // the first try and 5 retries
    const gaps = attemptTimes.slice(1).map((t, i) => t - (attemptTimes[i] ?? 0));
    const nominal = [500, 1000, 2000, 4000, 8000];
    gaps.forEach((gap, i) => {
      const base = nominal[i] ?? 0;
      // + the few ms mock-socket takes to report the failed connection
      expect(gap).toBeGreaterThanOrEqual(base * 0.8);
      expect(gap).toBeLessThanOrEqual(base * 1.2 + 20);
    });
    expect(hook.result.current.mode).toBe("polling");
    expect(hook.result.current.connectionError).toMatch(/polling/i);
    expect(fetchEvents.mock.calls.length).toBeGreaterThanOrEqual(8); // every 2 s
    // background retry at ~30 s (+/- 20 %), not before 24 s
    for (let i = 0; i < 8; i += 1) await advance(500);
    expect(attemptTimes).toHaveLength(6);
    for (let i = 0; i < 60; i += 1) await advance(500);
    expect(attemptTimes.length).toBeGreaterThanOrEqual(7);
  });
});
