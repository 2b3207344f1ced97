import { requireExperiment, toExperiment } from './load-entities.js';
import type { Experiment, TrackingDeps } from './types.js';

/** An experiment by id, active or deleted (as MLflow's GetExperiment). */
export async function getExperiment(deps: TrackingDeps, input: { readonly experimentId: string }): Promise<Experiment> {
  const { db } = deps.metadata;
  return toExperiment(db, await requireExperiment(db, input.experimentId));
}
