import { invalidParameter } from '../domain/errors.js';
import { signPageToken, verifyPageToken } from '../lib/page-token.js';
import { type HistoryPosition, selectMetricHistory } from '../storage/metadata/tracking/metrics.js';
import { readStoreKey } from '../storage/metadata/tracking/store-keys.js';
import { TRACKING_LIMITS } from './limits.js';
import { requireRun } from './load-entities.js';
import type { Metric, Page, TrackingDeps } from './types.js';
import { invalidValue, missingValue } from './validate.js';

export interface GetMetricHistoryInput {
  readonly runId: string;
  readonly metricKey: string;
  /** Points per page: default and cap 25,000 (MLflow's GET_METRIC_HISTORY_MAX_RESULTS). */
  readonly maxResults?: number | undefined;
  /** The `nextPageToken` of the previous page. */
  readonly pageToken?: string | undefined;
}

const PURPOSE = 'metric-history';

/** Token payload: which history, and the (step, timestamp, stored value, is_nan) of the last point served. */
interface HistoryToken {
  readonly r: string;
  readonly k: string;
  readonly s: number;
  readonly t: number;
  /** The stored value as text, so ±Infinity survive JSON. */
  readonly v: string;
  readonly n: 0 | 1;
}

/**
 * One page of a metric's history, in (step, timestamp, value) order, with a signed token for the next page when
 * there is one. Pages follow the primary key (keyset paging): no OFFSET scans, stable under concurrent logging.
 */
export async function getMetricHistory(deps: TrackingDeps, input: GetMetricHistoryInput): Promise<Page<Metric>> {
  if (input.metricKey === '') throw missingValue('metric_key');
  const limit = pageSize(input.maxResults);
  const { db } = deps.metadata;
  await requireRun(db, input.runId);
  const key = await readStoreKey(db, 'page_token');
  const after = input.pageToken ? readToken(key, input.pageToken, input) : undefined;
  // One row past the page says whether there is a next one, without a second query.
  const query = { runUuid: input.runId, key: input.metricKey, after, limit: limit + 1 };
  const { points } = await selectMetricHistory(db, query, deps.metadata.selectArrays);
  if (points.length <= limit) return { items: points };
  points.length = limit;
  const last = points[limit - 1] as Metric;
  return { items: points, nextPageToken: signPageToken(key, PURPOSE, toToken(input, positionOf(last))) };
}

function pageSize(maxResults: number | undefined): number {
  if (maxResults === undefined) return TRACKING_LIMITS.maxMetricHistoryPage;
  if (!Number.isSafeInteger(maxResults) || maxResults < 1) {
    throw invalidValue('max_results', maxResults, 'it must be a positive integer.');
  }
  return Math.min(maxResults, TRACKING_LIMITS.maxMetricHistoryPage);
}

/** Where a point sits in the history's order (NaN stored as 0 with is_nan set). */
const positionOf = (point: Metric): HistoryPosition =>
  Number.isNaN(point.value)
    ? { step: point.step, timestamp: point.timestamp, value: 0, isNan: true }
    : { step: point.step, timestamp: point.timestamp, value: point.value, isNan: false };

const toToken = (input: GetMetricHistoryInput, position: HistoryPosition): HistoryToken => ({
  r: input.runId,
  k: input.metricKey,
  s: position.step,
  t: position.timestamp,
  v: String(position.value),
  n: position.isNan ? 1 : 0,
});

const badToken = (why: string) =>
  invalidParameter(`Invalid page_token: ${why}.`, {
    hint: 'Pass the next_page_token of the previous page unchanged, with the same run_id and metric_key.',
  });

function readToken(key: Buffer, token: string, input: GetMetricHistoryInput): HistoryPosition {
  const verified = verifyPageToken(key, PURPOSE, token);
  if (!verified.ok)
    throw badToken(`it is ${verified.problem === 'bad signature' ? 'not one this server issued' : verified.problem}`);
  const payload = verified.payload as Partial<HistoryToken>;
  if (payload.r !== input.runId || payload.k !== input.metricKey)
    throw badToken('it belongs to another metric history');
  const value = Number(payload.v);
  if (typeof payload.s !== 'number' || typeof payload.t !== 'number' || Number.isNaN(value)) {
    throw badToken('it is malformed');
  }
  return { step: payload.s, timestamp: payload.t, value, isNan: payload.n === 1 };
}
