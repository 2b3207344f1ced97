import { alreadyExists } from '../domain/errors.js';
import { insertExperiment, upsertExperimentTags } from '../storage/metadata/tracking/experiments.js';
import { checkArtifactLocation } from './artifact-location.js';
import { TRACKING_LIMITS } from './limits.js';
import { clock } from './load-entities.js';
import type { Tag, TrackingDeps } from './types.js';
import { checkExperimentName, checkTagCount, checkTags, EXPERIMENT_TAG_LIMITS } from './validate.js';

export interface CreateExperimentInput {
  readonly name: string;
  /** Only `mlflow-artifacts:/…` URIs; default `mlflow-artifacts:/<experiment_id>`. */
  readonly artifactLocation?: string | undefined;
  readonly tags?: readonly Tag[] | undefined;
}

/** Creates an experiment; RESOURCE_ALREADY_EXISTS when the name is taken, by an active or a deleted one. */
export async function createExperiment(
  deps: TrackingDeps,
  input: CreateExperimentInput,
): Promise<{ experimentId: string }> {
  checkExperimentName('name', input.name);
  if (input.artifactLocation !== undefined) checkArtifactLocation('artifact_location', input.artifactLocation);
  checkTagCount('tags', input.tags?.length ?? 0, TRACKING_LIMITS.maxTagsPerCreate);
  const tags = checkTags('tags', input.tags ?? [], EXPERIMENT_TAG_LIMITS);
  const time = clock(deps);
  return deps.metadata.db.transaction().execute(async (trx) => {
    const id = await insertExperiment(trx, { name: input.name, artifactLocation: input.artifactLocation, time });
    if (id === undefined) {
      throw alreadyExists(`Experiment(name=${input.name}) already exists.`, {
        hint: 'Pick another name; a deleted experiment keeps its name until it is purged (restore it instead).',
      });
    }
    await upsertExperimentTags(trx, id, tags);
    return { experimentId: String(id) };
  });
}
