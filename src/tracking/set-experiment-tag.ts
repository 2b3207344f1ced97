import { upsertExperimentTags } from '../storage/metadata/tracking/experiments.js';
import { requireActiveExperiment } from './load-entities.js';
import type { TrackingDeps } from './types.js';
import { checkTag, EXPERIMENT_TAG_LIMITS } from './validate.js';

/** Sets (or overwrites) a tag on an active experiment. */
export async function setExperimentTag(
  deps: TrackingDeps,
  input: { readonly experimentId: string; readonly key: string; readonly value: string },
): Promise<void> {
  const tag = { key: input.key, value: input.value };
  checkTag(tag, EXPERIMENT_TAG_LIMITS);
  await deps.metadata.db.transaction().execute(async (trx) => {
    const row = await requireActiveExperiment(trx, input.experimentId);
    await upsertExperimentTags(trx, row.experiment_id, [tag]);
  });
}
