import type { LatencyBucket, ServingMetricsSnapshot, VersionCounters } from './read-serving-metrics.js';

/** What one version did between two scrapes. */
export interface VersionInterval {
  readonly model: string;
  readonly version: string;
  readonly requests: number;
  /** Requests answered with a 5xx status. */
  readonly failed: number;
  /** failed / requests; undefined when there were no requests. */
  readonly errorRate: number | undefined;
  /** The 99th percentile of the latency, interpolated in its histogram bucket; undefined without requests. */
  readonly p99Ms: number | undefined;
  /** A counter went down: the serving process restarted, so the later scrape alone is the interval. */
  readonly restarted: boolean;
}

/**
 * Per version, what happened between `before` and `after` (a version `before` did not have started from zero).
 * Counters that went down mean the process restarted between the scrapes: its counters began again at zero, so
 * the later scrape is the whole interval (what happened before the restart is lost, as with Prometheus' rate()).
 */
export function intervalStats(
  before: ServingMetricsSnapshot | undefined,
  after: ServingMetricsSnapshot,
): VersionInterval[] {
  const earlier = new Map((before?.versions ?? []).map((v) => [key(v), v]));
  return after.versions.map((later) => versionInterval(earlier.get(key(later)), later));
}

/** The interval of one version; all zero when the version answered nothing in either scrape. */
export function findInterval(stats: readonly VersionInterval[], model: string, version: string): VersionInterval {
  return (
    stats.find((s) => s.model === model && s.version === version) ?? {
      model,
      version,
      requests: 0,
      failed: 0,
      errorRate: undefined,
      p99Ms: undefined,
      restarted: false,
    }
  );
}

function versionInterval(before: VersionCounters | undefined, after: VersionCounters): VersionInterval {
  const restarted = before !== undefined && wentDown(before, after);
  const base = before === undefined || restarted ? undefined : before;
  const requests = after.requests - (base?.requests ?? 0);
  const failed = after.failed - (base?.failed ?? 0);
  const buckets = subtractBuckets(after.buckets, base?.buckets ?? []);
  const p99 = histogramQuantile(0.99, buckets);
  return {
    model: after.model,
    version: after.version,
    requests,
    failed,
    errorRate: requests > 0 ? failed / requests : undefined,
    p99Ms: Number.isNaN(p99) ? undefined : p99 * 1000,
    restarted,
  };
}

function wentDown(before: VersionCounters, after: VersionCounters): boolean {
  if (after.requests < before.requests || after.failed < before.failed) return true;
  const later = new Map(after.buckets.map((b) => [b.le, b.count]));
  return before.buckets.some((b) => (later.get(b.le) ?? 0) < b.count);
}

function subtractBuckets(after: readonly LatencyBucket[], before: readonly LatencyBucket[]): LatencyBucket[] {
  const earlier = new Map(before.map((b) => [b.le, b.count]));
  return after.map((b) => ({ le: b.le, count: b.count - (earlier.get(b.le) ?? 0) }));
}

/**
 * The q-quantile of a cumulative histogram, as Prometheus' histogram_quantile() computes it: find the bucket the
 * rank falls into and interpolate linearly inside it (the first bucket starts at 0 when its bound is positive); a
 * rank in the +Inf bucket gives the highest finite bound. NaN without observations or without a +Inf bucket.
 */
export function histogramQuantile(q: number, buckets: readonly LatencyBucket[]): number {
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const sorted = monotonic([...buckets].sort((a, b) => a.le - b.le));
  const last = sorted.at(-1);
  if (sorted.length < 2 || last === undefined || last.le !== Number.POSITIVE_INFINITY) return Number.NaN;
  const observations = last.count;
  if (!(observations > 0)) return Number.NaN;
  let rank = q * observations;
  let b = sorted.findIndex((bucket, i) => i < sorted.length - 1 && bucket.count >= rank);
  if (b === -1) b = sorted.length - 1;
  if (b === sorted.length - 1) return (sorted[sorted.length - 2] as LatencyBucket).le;
  const bucket = sorted[b] as LatencyBucket;
  if (b === 0 && bucket.le <= 0) return bucket.le;
  let start = 0;
  let count = bucket.count;
  if (b > 0) {
    const previous = sorted[b - 1] as LatencyBucket;
    start = previous.le;
    count -= previous.count;
    rank -= previous.count;
  }
  return start + (bucket.le - start) * (rank / count);
}

/** Counts that decrease with `le` (float noise, a scrape torn between series) are raised, as Prometheus does. */
function monotonic(buckets: readonly LatencyBucket[]): LatencyBucket[] {
  let max = Number.NEGATIVE_INFINITY;
  return buckets.map((b) => {
    max = Math.max(max, b.count);
    return { le: b.le, count: max };
  });
}

const key = (v: { model: string; version: string }) => `${v.model}\u0000${v.version}`;
