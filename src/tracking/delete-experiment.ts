import { notFound } from '../domain/errors.js';
import { setExperimentLifecycle } from '../storage/metadata/tracking/experiments.js';
import { setExperimentRunsLifecycle } from '../storage/metadata/tracking/runs.js';
import { clock, requireExperiment } from './load-entities.js';
import type { TrackingDeps } from './types.js';

/** Marks an active experiment and all its runs deleted (MLflow's soft delete; restore undoes it). */
export async function deleteExperiment(deps: TrackingDeps, input: { readonly experimentId: string }): Promise<void> {
  const time = clock(deps);
  await deps.metadata.db.transaction().execute(async (trx) => {
    const row = await requireExperiment(trx, input.experimentId);
    if (row.lifecycle_stage !== 'active') {
      throw notFound(`No active experiment with id=${input.experimentId} exists (it is already deleted).`, {
        hint: 'Restore it with experiments/restore.',
      });
    }
    await setExperimentLifecycle(trx, row.experiment_id, 'deleted', time);
    await setExperimentRunsLifecycle(trx, row.experiment_id, 'deleted', time);
  });
}
