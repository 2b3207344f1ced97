export interface RetrySchedule {
  /** Attempts in all, the first included; after the last failure the delivery is `failed`. */
  readonly maxAttempts: number;
  /** Delay after the first failed attempt; doubles after each one. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = { maxAttempts: 8, baseDelayMs: 10_000, maxDelayMs: 3_600_000 };

/**
 * The delay before the next attempt after `attempts` failed ones: exponential (base · 2^(attempts-1), capped) with
 * "equal jitter": half of it fixed, half random, so receivers that come back are not hit by every sender at once.
 * `random` returns a number in [0, 1).
 */
export function retryDelayMs(schedule: RetrySchedule, attempts: number, random: () => number): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  const delay = Math.min(schedule.maxDelayMs, schedule.baseDelayMs * 2 ** exponent);
  return Math.round(delay / 2 + random() * (delay / 2));
}
