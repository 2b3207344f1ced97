import { requireRun } from './load-entities.js';
import { loadRuns } from './load-runs.js';
import type { Run, TrackingDeps } from './types.js';

/** A run with its latest metrics, params, tags and dataset inputs; deleted runs too (as MLflow's GetRun). */
export async function getRun(deps: TrackingDeps, input: { readonly runId: string }): Promise<Run> {
  const { db } = deps.metadata;
  const [run] = await loadRuns(db, [await requireRun(db, input.runId)]);
  return run as Run;
}
