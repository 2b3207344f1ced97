import { notFound } from '../domain/errors.js';
import { setExperimentLifecycle } from '../storage/metadata/tracking/experiments.js';
import { setExperimentRunsLifecycle } from '../storage/metadata/tracking/runs.js';
import { clock, requireExperiment } from './load-entities.js';
import type { TrackingDeps } from './types.js';

/** Restores a deleted experiment and all its runs (as MLflow's SQL store does). */
export async function restoreExperiment(deps: TrackingDeps, input: { readonly experimentId: string }): Promise<void> {
  const time = clock(deps);
  await deps.metadata.db.transaction().execute(async (trx) => {
    const row = await requireExperiment(trx, input.experimentId);
    if (row.lifecycle_stage !== 'deleted') {
      throw notFound(`No deleted experiment with id=${input.experimentId} exists (it is active).`, {
        hint: 'Only deleted experiments can be restored.',
      });
    }
    await setExperimentLifecycle(trx, row.experiment_id, 'active', time);
    await setExperimentRunsLifecycle(trx, row.experiment_id, 'active', time);
  });
}
