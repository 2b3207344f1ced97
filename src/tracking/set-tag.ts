import { requireActiveRun } from './load-entities.js';
import type { TrackingDeps } from './types.js';
import { checkBatch, singlePaths, writeBatch } from './write-batch.js';

/** Sets (or overwrites) a run tag; `mlflow.runName` also renames the run. */
export async function setTag(
  deps: TrackingDeps,
  input: { readonly runId: string; readonly key: string; readonly value: string },
): Promise<void> {
  const batch = checkBatch({ tags: [{ key: input.key, value: input.value }] }, singlePaths);
  await deps.metadata.db.transaction().execute(async (trx) => {
    await requireActiveRun(trx, input.runId);
    await writeBatch(trx, input.runId, batch);
  });
}
