import { describe, expect, it } from "vitest";
import { MAX_FAST_RETRIES, reconnectDelay, reconnectSchedule, slowRetryDelay } from "../src/realtime/backoff";

describe("reconnect schedule", () => {
  it("doubles from 500 ms and stops after 5 attempts", () => {
    expect(reconnectSchedule(() => 0.5)).toEqual([500, 1000, 2000, 4000, 8000]);
    expect(MAX_FAST_RETRIES).toBe(5);
    expect(reconnectDelay(5, () => 0.5)).toBeNull();
    expect(reconnectDelay(-1)).toBeNull();
  });

  it("keeps the jitter within +/-20 %", () => {
    expect(reconnectSchedule(() => 0)).toEqual([400, 800, 1600, 3200, 6400]);
    expect(reconnectSchedule(() => 0.999999)).toEqual([600, 1200, 2400, 4800, 9600]);
    for (let run = 0; run < 200; run += 1) {
      reconnectSchedule().forEach((delay, attempt) => {
        const nominal = 500 * 2 ** attempt;
        expect(delay).toBeGreaterThanOrEqual(nominal * 0.8);
        expect(delay).toBeLessThanOrEqual(nominal * 1.2);
      });
    }
  });

  it("retries slowly in the background afterwards", () => {
    expect(slowRetryDelay(() => 0)).toBe(24_000);
    expect(slowRetryDelay(() => 0.999999)).toBe(36_000);
  });
});
