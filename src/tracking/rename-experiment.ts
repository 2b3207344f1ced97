import { alreadyExists, invalidParameter } from '../domain/errors.js';
import { renameExperiment as storeRename } from '../storage/metadata/tracking/experiments.js';
import { clock, requireExperiment } from './load-entities.js';
import type { TrackingDeps } from './types.js';
import { checkExperimentName, missingValue } from './validate.js';

/** MLflow's UpdateExperiment: renames an active experiment; RESOURCE_ALREADY_EXISTS when the name is taken. */
export async function renameExperiment(
  deps: TrackingDeps,
  input: { readonly experimentId: string; readonly newName?: string | undefined },
): Promise<void> {
  if (input.newName === undefined) throw missingValue('new_name');
  const newName = input.newName;
  checkExperimentName('new_name', newName);
  const time = clock(deps);
  await deps.metadata.db.transaction().execute(async (trx) => {
    const row = await requireExperiment(trx, input.experimentId);
    if (row.lifecycle_stage !== 'active') {
      throw invalidParameter('Cannot rename a non-active experiment.', { hint: 'Restore it first.' });
    }
    if (!(await storeRename(trx, row.experiment_id, newName, time))) {
      throw alreadyExists(`Experiment(name=${newName}) already exists.`, { hint: 'Pick another name.' });
    }
  });
}
