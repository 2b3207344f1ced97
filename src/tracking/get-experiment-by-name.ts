import { notFound } from '../domain/errors.js';
import { selectExperimentByName } from '../storage/metadata/tracking/experiments.js';
import { toExperiment } from './load-entities.js';
import type { Experiment, TrackingDeps } from './types.js';
import { missingValue, quote } from './validate.js';

/** An experiment by exact name, active or deleted; RESOURCE_DOES_NOT_EXIST when there is none. */
export async function getExperimentByName(deps: TrackingDeps, input: { readonly name: string }): Promise<Experiment> {
  if (input.name === '') throw missingValue('experiment_name');
  const { db } = deps.metadata;
  const row = await selectExperimentByName(db, input.name);
  if (row === undefined) {
    throw notFound(`Could not find experiment with name ${quote(input.name)}`, {
      hint: 'Names are case-sensitive; create the experiment first.',
    });
  }
  return toExperiment(db, row);
}
