import { invalidParameter } from '../domain/errors.js';
import { TRACKING_LIMITS } from './limits.js';
import { requireActiveRun } from './load-entities.js';
import type { TrackingDeps } from './types.js';
import { type BatchInput, checkBatch, writeBatch } from './write-batch.js';

export interface LogBatchInput extends BatchInput {
  readonly runId: string;
}

/**
 * MLflow's LogBatch: up to 1000 metrics, 100 params and 100 tags (1000 entries in all) for an active run, written
 * in one transaction: a refused batch writes nothing.
 */
export async function logBatch(deps: TrackingDeps, input: LogBatchInput): Promise<void> {
  checkBatchLimits(input);
  const batch = checkBatch(input);
  if (batch.metrics.length + batch.params.length + batch.tags.length === 0) {
    await requireActiveRun(deps.metadata.db, input.runId);
    return;
  }
  await deps.metadata.db.transaction().execute(async (trx) => {
    await requireActiveRun(trx, input.runId);
    await writeBatch(trx, input.runId, batch);
  });
}

/** MLflow's per-request counts (1000 metrics, 100 params, 100 tags, 1000 in all). */
export function checkBatchLimits(input: BatchInput): void {
  const metrics = input.metrics?.length ?? 0;
  const params = input.params?.length ?? 0;
  const tags = input.tags?.length ?? 0;
  checkLimit('metrics', metrics, TRACKING_LIMITS.maxMetricsPerBatch);
  checkLimit('params', params, TRACKING_LIMITS.maxParamsPerBatch);
  checkLimit('tags', tags, TRACKING_LIMITS.maxTagsPerBatch);
  checkLimit('metrics, params, and tags', metrics + params + tags, TRACKING_LIMITS.maxEntitiesPerBatch);
}

/** MLflow's message for an oversized batch. */
function checkLimit(entities: string, count: number, limit: number): void {
  if (count <= limit) return;
  throw invalidParameter(
    `A batch logging request can contain at most ${limit} ${entities}. Got ${count} ${entities}. Please split up ${entities} across multiple requests and try again.`,
    { hint: 'MLflow clients split batches themselves; custom clients must too.' },
  );
}
