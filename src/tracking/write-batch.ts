import { invalidParameter } from '../domain/errors.js';
import type { Db } from '../storage/metadata/tracking/db.js';
import { insertMetrics, latestByKey, upsertLatestMetrics } from '../storage/metadata/tracking/metrics.js';
import { insertNewParams, selectParamValues } from '../storage/metadata/tracking/params.js';
import { updateRun } from '../storage/metadata/tracking/runs.js';
import { upsertRunTags } from '../storage/metadata/tracking/tags.js';
import { TRACKING_LIMITS } from './limits.js';
import type { Metric, Param, Tag } from './types.js';
import {
  checkKey,
  checkLength,
  checkMetricValue,
  checkStep,
  checkTag,
  checkTimestamp,
  fieldPath,
  quote,
  RUN_TAG_LIMITS,
} from './validate.js';

/** The tag MLflow keeps the run name in; setting it renames the run. */
export const RUN_NAME_TAG = 'mlflow.runName';

export interface BatchInput {
  readonly metrics?: readonly Metric[] | undefined;
  readonly params?: readonly Param[] | undefined;
  readonly tags?: readonly Tag[] | undefined;
}

/** A validated batch: params deduplicated (identical repeats dropped), tags deduplicated (the last value wins). */
export interface CheckedBatch {
  readonly metrics: readonly Metric[];
  readonly params: readonly Param[];
  readonly tags: readonly Tag[];
}

/** Where each entry sits in the request, for messages: `metrics[3]` in a batch, `` for a single-entry request. */
type At = (list: 'metrics' | 'params' | 'tags', index: number) => string;
export const batchPaths: At = (list, index) => `${list}[${index}]`;
export const singlePaths: At = () => '';

/** Validates every entry as MLflow does (keys, lengths, numbers); nothing is read or written. */
export function checkBatch(input: BatchInput, at: At = batchPaths): CheckedBatch {
  const metrics = input.metrics ?? [];
  const seenKeys = new Set<string>();
  metrics.forEach((metric, index) => {
    checkMetric(metric, at('metrics', index), seenKeys);
  });
  return { metrics, params: checkParams(input.params ?? [], at), tags: checkRunTags(input.tags ?? [], at) };
}

function checkMetric(metric: Metric, at: string, seenKeys: Set<string>): void {
  if (!seenKeys.has(metric.key)) {
    checkKey(fieldPath(at, 'key'), metric.key);
    seenKeys.add(metric.key);
  }
  checkMetricValue(fieldPath(at, 'value'), metric.value);
  checkTimestamp(fieldPath(at, 'timestamp'), metric.timestamp);
  checkStep(fieldPath(at, 'step'), metric.step);
}

function checkParams(params: readonly Param[], at: At): Param[] {
  const byKey = new Map<string, string>();
  params.forEach((param, index) => {
    checkKey(fieldPath(at('params', index), 'key'), param.key);
    checkLength(fieldPath(at('params', index), 'value'), param.value, TRACKING_LIMITS.maxParamValueLength);
    const earlier = byKey.get(param.key);
    if (earlier !== undefined && earlier !== param.value) {
      throw invalidParameter(
        `Duplicate parameter keys have been submitted: '${param.key}' with values ${quote(earlier)} and ${quote(param.value)}. Please ensure the request contains only one param value per param key.`,
        { hint: 'A param is logged once per run; send each key once.' },
      );
    }
    byKey.set(param.key, param.value);
  });
  return [...byKey].map(([key, value]) => ({ key, value }));
}

function checkRunTags(tags: readonly Tag[], at: At): Tag[] {
  const byKey = new Map<string, string>();
  tags.forEach((tag, index) => {
    checkTag(tag, RUN_TAG_LIMITS, at('tags', index));
    byKey.set(tag.key, tag.value);
  });
  const runName = byKey.get(RUN_NAME_TAG);
  if (runName !== undefined) checkLength(RUN_NAME_TAG, runName, TRACKING_LIMITS.maxRunNameLength);
  return [...byKey].map(([key, value]) => ({ key, value }));
}

/**
 * Writes a checked batch to an active run, inside the caller's transaction: params (refusing changed values),
 * metric history plus latest metrics, tags (renaming the run for `mlflow.runName`). Multi-row statements only.
 */
export async function writeBatch(db: Db, runUuid: string, batch: CheckedBatch): Promise<void> {
  await writeParams(db, runUuid, batch.params);
  if (batch.metrics.length > 0) {
    await insertMetrics(db, runUuid, batch.metrics);
    await upsertLatestMetrics(db, runUuid, latestByKey(batch.metrics));
  }
  if (batch.tags.length > 0) {
    await upsertRunTags(db, runUuid, batch.tags);
    const runName = batch.tags.find((tag) => tag.key === RUN_NAME_TAG)?.value;
    if (runName !== undefined) await updateRun(db, runUuid, { name: runName });
  }
}

async function writeParams(db: Db, runUuid: string, params: readonly Param[]): Promise<void> {
  if (params.length === 0) return;
  const stored = await selectParamValues(
    db,
    runUuid,
    params.map((param) => param.key),
  );
  refuseChangedParams(runUuid, params, stored);
  const fresh = params.filter((param) => !stored.has(param.key));
  const inserted = await insertNewParams(db, runUuid, fresh);
  const raced = fresh.filter((param) => !inserted.has(param.key));
  if (raced.length === 0) return;
  refuseChangedParams(
    runUuid,
    raced,
    await selectParamValues(
      db,
      runUuid,
      raced.map((param) => param.key),
    ),
  );
}

/** MLflow: a param is immutable; logging the same value again is fine, another value is INVALID_PARAMETER_VALUE. */
export function refuseChangedParams(runUuid: string, params: readonly Param[], stored: Map<string, string>): void {
  const changed = params.filter((param) => stored.has(param.key) && stored.get(param.key) !== param.value);
  const [first] = changed;
  if (first === undefined) return;
  const more = changed.length > 1 ? ` (and ${changed.length - 1} more changed params)` : '';
  throw invalidParameter(
    `Changing param values is not allowed. Param with key='${first.key}' was already logged with value=${quote(stored.get(first.key))} for run ID='${runUuid}'. Attempted logging new value ${quote(first.value)}${more}.`,
    { hint: 'Params are immutable: log the new value in a new run, or use a tag or a metric for values that change.' },
  );
}
