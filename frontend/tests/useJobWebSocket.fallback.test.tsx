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

describe("useJobWebSocket: polling fallback", () => {
  it("polls every 2 s while the socket is down and stops when it is back, without gaps or repeats", async () => {
    const { hook, recorded, fetchEvents } = mountHook(server);
    await advance(10);
    addLogs(server, 1, 2);
    await advance(10);
    expect(fetchEvents).not.toHaveBeenCalled();

    server.down();
    await advance(10);
    expect(hook.result.current.mode).toBe("polling");
    expect(hook.result.current.isConnected).toBe(false);
    expect(fetchEvents).toHaveBeenLastCalledWith(42, 2);

    // the job goes on while the socket cannot reconnect: polling delivers it
    addLogs(server, 3, 4, false);
    await advance(2000);
    expect(recorded.logs).toEqual(expectedLines(1, 4));
    addLogs(server, 5, 6, false);
    await advance(2000);
    expect(recorded.logs).toEqual(expectedLines(1, 6));

    // more happens right before the socket returns: socket replay and a poll both may carry it
    addLogs(server, 7, 8, false);
    server.up();
    for (let i = 0; i < 20 && !hook.result.current.isConnected; i += 1) await advance(500);
    expect(hook.result.current.isConnected).toBe(true);
    expect(hook.result.current.mode).toBe("live");
    const resumedFrom = server.connections.at(-1)?.since ?? -1;
    expect(resumedFrom).toBeGreaterThanOrEqual(6);

    const pollsWhenLive = fetchEvents.mock.calls.length;
    addLogs(server, 9, 10);
    await advance(10_000);
    expect(fetchEvents.mock.calls.length).toBe(pollsWhenLive);
    expect(recorded.logs).toEqual(expectedLines(1, 10));
  });

  it("de-duplicates when a poll answer arrives after the socket already delivered the same events", async () => {
    let releasePoll: (() => void) | null = null;
    // a slow REST answer, built when it is finally sent (so it holds 2..3 too)
    const slowFetch = async (jobId: number, since: number) => {
      await new Promise<void>((resolve) => {
        releasePoll = resolve;
      });
      return server.eventsSince(jobId, since);
    };
    const { hook, recorded } = mountHook(server, { fetchEvents: slowFetch });
    await advance(10);
    addLogs(server, 1, 1);
    await advance(10);
    server.drop(1006);
    await advance(10);
    addLogs(server, 2, 3, false); // a poll is in flight holding nothing yet
    await advance(1000); // socket is back and replays 2..3
    expect(hook.result.current.isConnected).toBe(true);
    expect(recorded.logs).toEqual(expectedLines(1, 3));
    (releasePoll as (() => void) | null)?.();
    await advance(10);
    expect(recorded.logs).toEqual(expectedLines(1, 3));
  });
});

describe("useJobWebSocket: complete and fatal close codes", () => {
  it("stops everything after complete: no reconnect, no polling", async () => {
    const { hook, recorded, fetchEvents } = mountHook(server);
    await advance(10);
    addLogs(server, 1, 1);
    server.add("complete", { status: "completed", message: "Build finished" });
    await advance(10);
    expect(recorded.completes).toEqual([["completed", "Build finished"]]);
    expect(hook.result.current.mode).toBe("done");
    expect(hook.result.current.isConnected).toBe(false);
    server.drop(1006);
    await advance(60_000);
    expect(server.connections).toHaveLength(1);
    expect(fetchEvents).not.toHaveBeenCalled();
  });

  it("stops polling too when complete arrives through polling", async () => {
    const { hook, recorded, fetchEvents } = mountHook(server);
    await advance(10);
    server.down();
    await advance(10);
    server.add("complete", { status: "failed", message: "nextpnr failed" }, false);
    await advance(2000);
    expect(recorded.completes).toEqual([["failed", "nextpnr failed"]]);
    expect(hook.result.current.mode).toBe("done");
    const polls = fetchEvents.mock.calls.length;
    const attempts = server.connections.length;
    server.up();
    await advance(120_000);
    expect(fetchEvents.mock.calls.length).toBe(polls);
    expect(server.connections.length).toBe(attempts);
  });

  it.each([
    [4401, "Your session expired — sign in again", "polling"],
    [4403, "You do not have access to this job", "idle"],
    [4404, "This job does not exist", "idle"],
  ])("close code %i is reported and never retried", async (code, message, mode) => {
    server.refuseWith = code;
    const { hook, fetchEvents } = mountHook(server);
    await advance(10);
    expect(hook.result.current.connectionError).toBe(message);
    expect(hook.result.current.isConnected).toBe(false);
    await advance(120_000);
    expect(server.connections).toHaveLength(1);
    expect(hook.result.current.mode).toBe(mode);
    if (code === 4401) expect(fetchEvents).toHaveBeenCalled();
    else expect(fetchEvents).not.toHaveBeenCalled();
  });

  it("stops when the ticket itself is refused with 404", async () => {
    const getTicket = async () => {
      throw Object.assign(new Error("not found"), { status: 404 });
    };
    const { hook } = mountHook(server, { getTicket });
    await advance(60_000);
    expect(hook.result.current.connectionError).toBe("This job does not exist");
    expect(server.connections).toHaveLength(0);
  });
});
