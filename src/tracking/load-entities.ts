import { invalidParameter, notFound } from '../domain/errors.js';
import type { ExperimentRow, RunRow } from '../storage/metadata/schema.js';
import type { Db } from '../storage/metadata/tracking/db.js';
import { selectExperiment, selectExperimentTags } from '../storage/metadata/tracking/experiments.js';
import { selectRun } from '../storage/metadata/tracking/runs.js';
import { parseExperimentId, RUN_ID_PATTERN } from './ids.js';
import type { Experiment, RunInfo, TrackingDeps } from './types.js';
import { invalidValue, missingValue } from './validate.js';

export const clock = (deps: TrackingDeps): number => (deps.now ?? Date.now)();

const experimentNotFound = (id: string) =>
  notFound(`No Experiment with id=${id.slice(0, 100)} exists`, {
    hint: 'List experiments with experiments/search, or create it first.',
  });

/** The experiment row an id names (active or deleted), or RESOURCE_DOES_NOT_EXIST. */
export async function requireExperiment(db: Db, experimentId: string, path = 'experiment_id'): Promise<ExperimentRow> {
  if (experimentId === '') throw missingValue(path);
  const id = parseExperimentId(experimentId);
  const row = id === undefined ? undefined : await selectExperiment(db, id);
  if (row === undefined) throw experimentNotFound(experimentId);
  return row;
}

/** Like requireExperiment, and refuses a deleted experiment (MLflow's _check_experiment_is_active). */
export async function requireActiveExperiment(db: Db, experimentId: string): Promise<ExperimentRow> {
  const row = await requireExperiment(db, experimentId);
  if (row.lifecycle_stage !== 'active') {
    throw invalidParameter(
      `The experiment ${experimentId} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`,
      { hint: 'Restore it with experiments/restore first.' },
    );
  }
  return row;
}

/** The run row an id names (active or deleted), or RESOURCE_DOES_NOT_EXIST. */
export async function requireRun(db: Db, runId: string, path = 'run_id'): Promise<RunRow> {
  if (runId === '') throw missingValue(path);
  if (!RUN_ID_PATTERN.test(runId)) throw invalidValue(path, runId, 'it is not a run id.');
  const row = await selectRun(db, runId);
  if (row === undefined) {
    throw notFound(`Run with id=${runId} not found`, { hint: 'Check the run id; runs/search lists runs.' });
  }
  return row;
}

/** Like requireRun, and refuses a deleted run (MLflow's check_run_is_active). */
export async function requireActiveRun(db: Db, runId: string, path = 'run_id'): Promise<RunRow> {
  const row = await requireRun(db, runId, path);
  if (row.lifecycle_stage !== 'active') {
    throw invalidParameter(`The run ${runId} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`, {
      hint: 'Restore it with runs/restore first.',
    });
  }
  return row;
}

/** An experiment row with its tags, as the domain sees it. */
export async function toExperiment(db: Db, row: ExperimentRow): Promise<Experiment> {
  const tags = await selectExperimentTags(db, [row.experiment_id]);
  return {
    experimentId: String(row.experiment_id),
    name: row.name,
    artifactLocation: row.artifact_location,
    lifecycleStage: row.lifecycle_stage,
    creationTime: row.creation_time,
    lastUpdateTime: row.last_update_time,
    tags: tags.get(row.experiment_id) ?? [],
  };
}

export const toRunInfo = (row: RunRow): RunInfo => ({
  runId: row.run_uuid,
  runName: row.name,
  experimentId: String(row.experiment_id),
  userId: row.user_id,
  status: row.status,
  startTime: row.start_time,
  endTime: row.end_time,
  artifactUri: row.artifact_uri,
  lifecycleStage: row.lifecycle_stage,
});
