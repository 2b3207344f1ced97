import type { RollbackConditions } from '../../pipelines/release/release-config.js';
import type { VersionInterval } from './interval-stats.js';

/** One rollback condition the candidate broke: what was measured against which limit. */
export interface Breach {
  readonly condition: 'max_error_rate' | 'max_p99_ms';
  readonly measured: number;
  readonly limit: number;
}

export interface Judgement {
  /** False when the candidate answered fewer than `minRequests` requests: the interval says nothing. */
  readonly judged: boolean;
  readonly breaches: readonly Breach[];
}

/** Judges one interval of the candidate against the rollback conditions. */
export function judgeInterval(candidate: VersionInterval, conditions: RollbackConditions): Judgement {
  const minRequests = Math.max(1, conditions.minRequests ?? 1);
  if (candidate.requests < minRequests) return { judged: false, breaches: [] };
  const breaches: Breach[] = [];
  const { maxErrorRate, maxP99Ms } = conditions;
  if (maxErrorRate !== undefined && candidate.errorRate !== undefined && candidate.errorRate > maxErrorRate) {
    breaches.push({ condition: 'max_error_rate', measured: candidate.errorRate, limit: maxErrorRate });
  }
  if (maxP99Ms !== undefined && candidate.p99Ms !== undefined && candidate.p99Ms > maxP99Ms) {
    breaches.push({ condition: 'max_p99_ms', measured: candidate.p99Ms, limit: maxP99Ms });
  }
  return { judged: true, breaches };
}

/** "error rate 0.12 > 0.01 (12 of 100 requests failed); p99 412 ms > 250 ms" */
export function describeBreaches(
  candidate: { readonly requests: number; readonly failed: number },
  breaches: readonly Breach[],
): string {
  return breaches
    .map((breach) =>
      breach.condition === 'max_error_rate'
        ? `error rate ${round(breach.measured)} > ${breach.limit} (${candidate.failed} of ${candidate.requests} requests failed)`
        : `p99 latency ${round(breach.measured)} ms > ${breach.limit} ms (over ${candidate.requests} requests)`,
    )
    .join('; ');
}

const round = (value: number): number => Math.round(value * 1000) / 1000;
