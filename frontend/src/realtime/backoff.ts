// Reconnect schedule: 500 ms x 2^attempt, capped, with +/-20 % jitter, for at most
// MAX_FAST_RETRIES attempts; after that a slow background retry while polling.

export const MAX_FAST_RETRIES = 5;
export const BASE_DELAY_MS = 500;
export const MAX_DELAY_MS = 10_000;
export const JITTER = 0.2;
export const SLOW_RETRY_MS = 30_000;

/**
 * Delay before reconnect attempt `attempt` (0-based), or null when the fast retries are
 * used up. `random` returns [0, 1): 0 gives -20 %, 0.5 the nominal delay, ~1 gives +20 %.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number | null {
  if (attempt < 0 || attempt >= MAX_FAST_RETRIES) return null;
  const nominal = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
  return Math.round(nominal * (1 + JITTER * (2 * random() - 1)));
}

/** The whole fast schedule, for display and tests. */
export function reconnectSchedule(random: () => number = Math.random): number[] {
  const delays: number[] = [];
  for (let attempt = 0; ; attempt += 1) {
    const delay = reconnectDelay(attempt, random);
    if (delay === null) return delays;
    delays.push(delay);
  }
}

/** Background retry once the fast attempts are spent (same jitter). */
export function slowRetryDelay(random: () => number = Math.random): number {
  return Math.round(SLOW_RETRY_MS * (1 + JITTER * (2 * random() - 1)));
}
