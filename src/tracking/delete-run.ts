import { setRunLifecycle } from '../storage/metadata/tracking/runs.js';
import { clock, requireRun } from './load-entities.js';
import type { TrackingDeps } from './types.js';

/** Marks a run deleted (soft: runs/restore undoes it). Deleting a deleted run is harmless, as in MLflow. */
export async function deleteRun(deps: TrackingDeps, input: { readonly runId: string }): Promise<void> {
  const time = clock(deps);
  await deps.metadata.db.transaction().execute(async (trx) => {
    await requireRun(trx, input.runId);
    await setRunLifecycle(trx, input.runId, 'deleted', time);
  });
}
