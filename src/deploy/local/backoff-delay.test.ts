import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff-delay.js';
import { DEFAULT_SUPERVISOR_TIMINGS } from './supervisor-types.js';

describe('backoffDelay', () => {
  it('doubles from 1 s and stops at 30 s', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 40].map((n) => backoffDelay(n, DEFAULT_SUPERVISOR_TIMINGS, () => 0));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('adds up to the jitter fraction, never past the cap', () => {
    expect(backoffDelay(2, DEFAULT_SUPERVISOR_TIMINGS, () => 0.999)).toBe(2400);
    expect(backoffDelay(3, DEFAULT_SUPERVISOR_TIMINGS, () => 0.5)).toBe(4400);
    expect(backoffDelay(6, DEFAULT_SUPERVISOR_TIMINGS, () => 0.999)).toBe(30000);
  });
});
