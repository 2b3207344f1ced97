import type { SupervisorTimings } from './supervisor-types.js';

type BackoffTimings = Pick<SupervisorTimings, 'backoffInitialMs' | 'backoffMaxMs' | 'backoffJitter'>;

/**
 * The wait before restart number `failures` (1, 2, 3 … consecutive failures): initial × 2^(failures-1), plus up to
 * `jitter` of it at random (so children that crashed together do not restart together), capped at the maximum.
 */
export function backoffDelay(failures: number, timings: BackoffTimings, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const base = Math.min(timings.backoffMaxMs, timings.backoffInitialMs * 2 ** exponent);
  return Math.round(Math.min(timings.backoffMaxMs, base * (1 + timings.backoffJitter * random())));
}
