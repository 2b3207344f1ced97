import { requireActiveRun } from './load-entities.js';
import type { TrackingDeps } from './types.js';
import { checkBatch, singlePaths, writeBatch } from './write-batch.js';

/** Logs one param; the same value again is fine, another value is INVALID_PARAMETER_VALUE (params are immutable). */
export async function logParam(
  deps: TrackingDeps,
  input: { readonly runId: string; readonly key: string; readonly value: string },
): Promise<void> {
  const batch = checkBatch({ params: [{ key: input.key, value: input.value }] }, singlePaths);
  await deps.metadata.db.transaction().execute(async (trx) => {
    await requireActiveRun(trx, input.runId);
    await writeBatch(trx, input.runId, batch);
  });
}
