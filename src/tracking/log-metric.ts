import { requireActiveRun } from './load-entities.js';
import type { Metric, TrackingDeps } from './types.js';
import { checkBatch, singlePaths, writeBatch } from './write-batch.js';

/** Appends one metric point (value may be NaN or ±Infinity) and raises the latest value when it is later. */
export async function logMetric(deps: TrackingDeps, input: Metric & { readonly runId: string }): Promise<void> {
  const metric = { key: input.key, value: input.value, timestamp: input.timestamp, step: input.step };
  const batch = checkBatch({ metrics: [metric] }, singlePaths);
  await deps.metadata.db.transaction().execute(async (trx) => {
    await requireActiveRun(trx, input.runId);
    await writeBatch(trx, input.runId, batch);
  });
}
