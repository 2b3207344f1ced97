import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';
import { SlipwayError } from '../../domain/errors.js';
import { type GetServingTextOptions, getServingText, servingEndpoint } from './get-serving-text.js';

/** One cumulative histogram bucket: observations ≤ `le` seconds (the last bucket's `le` is Infinity). */
export interface LatencyBucket {
  readonly le: number;
  readonly count: number;
}

/** The counters of one served version, as read from one scrape (cumulative since the process started). */
export interface VersionCounters {
  readonly model: string;
  readonly version: string;
  /** Requests answered, whatever the status. */
  readonly requests: number;
  /** Requests answered with a 5xx status (4xx are the caller's fault and do not count). */
  readonly failed: number;
  /** slipway_serving_request_duration_seconds, summed over endpoints, ordered by `le`. */
  readonly buckets: readonly LatencyBucket[];
}

export interface ServingMetricsSnapshot {
  /** When the scrape was taken (milliseconds since the epoch). */
  readonly time: number;
  readonly versions: readonly VersionCounters[];
}

const REQUESTS = 'slipway_serving_requests_total';
const LATENCY_BUCKETS = 'slipway_serving_request_duration_seconds_bucket';

interface Accumulator {
  model: string;
  version: string;
  requests: number;
  failed: number;
  buckets: Map<number, number>;
}

/** Scrapes `<url>/metrics` of a serving process (bounded in time and size) and extracts the per-version counters. */
export async function readServingMetrics(
  url: string,
  options: GetServingTextOptions & { readonly clock?: () => number } = {},
): Promise<ServingMetricsSnapshot> {
  const endpoint = servingEndpoint(url, 'metrics');
  const time = (options.clock ?? Date.now)();
  const { status, text } = await getServingText(endpoint, options);
  if (status !== 200) {
    throw new SlipwayError('TEMPORARILY_UNAVAILABLE', `${endpoint.toString().slice(0, 300)} answered ${status}.`, {
      hint: 'Check that the URL is a `slipway serve` process (it answers GET /metrics).',
    });
  }
  return parseServingMetrics(text, time);
}

/** The per-version counters in a Prometheus text exposition of a serving process. */
export function parseServingMetrics(text: string, time: number = Date.now()): ServingMetricsSnapshot {
  const series = new Map<string, Accumulator>();
  const entry = (labels: Readonly<Record<string, string>> | undefined): Accumulator | undefined => {
    const model = labels?.model ?? '';
    const version = labels?.version ?? '';
    // A request that never reached a version (no version ready, unknown model) is nobody's to judge.
    if (version === '') return undefined;
    const key = `${model}\u0000${version}`;
    let found = series.get(key);
    if (found === undefined) {
      found = { model, version, requests: 0, failed: 0, buckets: new Map() };
      series.set(key, found);
    }
    return found;
  };
  for (const family of parseFamilies(text)) {
    if (family.name === REQUESTS) for (const sample of family.metrics) addRequests(entry(sample.labels), sample);
    if (family.name === LATENCY_BUCKETS) for (const sample of family.metrics) addBucket(entry(sample.labels), sample);
  }
  const versions = [...series.values()].map(({ buckets, ...counters }) => ({
    ...counters,
    buckets: [...buckets].sort(([a], [b]) => a - b).map(([le, count]) => ({ le, count })),
  }));
  return { time, versions };
}

/**
 * parse-prometheus-text-format folds the samples of a histogram family into ONE `buckets` object and drops their
 * labels when the family is typed `histogram`, so two versions' buckets would overwrite each other. Typed
 * `untyped`, every `_bucket` line stays a sample with all its labels (`le` among them). A trailing newline is added
 * because the parser drops a last line that has none.
 */
function parseFamilies(text: string): PrometheusFamily[] {
  try {
    return parsePrometheusTextFormat(`${text.replace(/^# TYPE (\S+) histogram[ \t]*$/gm, '# TYPE $1 untyped')}\n`);
  } catch (error) {
    throw new SlipwayError('INVALID_STATE', `The serving metrics are not in the Prometheus text format.`, {
      hint: 'Check that the URL is a `slipway serve` process.',
      cause: error,
    });
  }
}

function addRequests(series: Accumulator | undefined, sample: PrometheusFamily['metrics'][number]): void {
  const value = promNumber(sample.value);
  if (series === undefined || !Number.isFinite(value)) return;
  series.requests += value;
  if (Number(sample.labels?.code) >= 500) series.failed += value;
}

function addBucket(series: Accumulator | undefined, sample: PrometheusFamily['metrics'][number]): void {
  const value = promNumber(sample.value);
  const le = promNumber(sample.labels?.le);
  if (series === undefined || !Number.isFinite(value) || Number.isNaN(le)) return;
  series.buckets.set(le, (series.buckets.get(le) ?? 0) + value);
}

/** A sample value or `le` as Prometheus writes them (`+Inf`, `-Inf`, `NaN`, Go float syntax). */
export function promNumber(text: string | undefined): number {
  if (text === undefined) return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return text.trim() === '' ? Number.NaN : Number(text);
}
