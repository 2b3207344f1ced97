import { invalidParameter } from '../domain/errors.js';
import { insertRun } from '../storage/metadata/tracking/runs.js';
import { upsertRunTags } from '../storage/metadata/tracking/tags.js';
import { newRunId } from './ids.js';
import { TRACKING_LIMITS } from './limits.js';
import { clock, requireActiveExperiment, requireRun } from './load-entities.js';
import { loadRuns } from './load-runs.js';
import { generateRunName } from './run-names.js';
import type { Run, Tag, TrackingDeps } from './types.js';
import { checkLength, checkTagCount, checkTags, checkTimestamp, quote, RUN_TAG_LIMITS } from './validate.js';
import { RUN_NAME_TAG } from './write-batch.js';

export interface CreateRunInput {
  /** Default "0", the default experiment. */
  readonly experimentId?: string | undefined;
  readonly userId?: string | undefined;
  /** Generated (`swift-otter-417`) when neither this nor an `mlflow.runName` tag is given. */
  readonly runName?: string | undefined;
  /** Milliseconds since the epoch; default now. */
  readonly startTime?: number | undefined;
  readonly tags?: readonly Tag[] | undefined;
}

/** Starts a RUNNING run in an active experiment; returns it with its `mlflow.runName` tag. */
export async function createRun(deps: TrackingDeps, input: CreateRunInput): Promise<Run> {
  checkTagCount('tags', input.tags?.length ?? 0, TRACKING_LIMITS.maxTagsPerCreate);
  const given = checkTags('tags', input.tags ?? [], RUN_TAG_LIMITS);
  const runName = resolveRunName(input.runName, given.find((tag) => tag.key === RUN_NAME_TAG)?.value);
  const userId = input.userId ?? '';
  checkLength('user_id', userId, TRACKING_LIMITS.maxUserIdLength);
  if (input.startTime !== undefined) checkTimestamp('start_time', input.startTime);
  const tags = [...given.filter((tag) => tag.key !== RUN_NAME_TAG), { key: RUN_NAME_TAG, value: runName }];
  const runId = newRunId();
  return deps.metadata.db.transaction().execute(async (trx) => {
    const experiment = await requireActiveExperiment(trx, input.experimentId ?? '0');
    await insertRun(trx, {
      runUuid: runId,
      experimentId: experiment.experiment_id,
      name: runName,
      userId,
      status: 'RUNNING',
      startTime: input.startTime ?? clock(deps),
      artifactUri: `${experiment.artifact_location}/${runId}/artifacts`,
    });
    await upsertRunTags(trx, runId, tags);
    const [run] = await loadRuns(trx, [await requireRun(trx, runId)]);
    return run as Run;
  });
}

/** MLflow's rule: run_name and the mlflow.runName tag must agree when both are given. */
export function resolveRunName(runName: string | undefined, tagName: string | undefined): string {
  if (runName !== undefined && runName !== '' && tagName !== undefined && tagName !== runName) {
    throw invalidParameter(
      `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name=${quote(runName)}, mlflow.runName=${quote(tagName)}).`,
      { hint: 'Send the run name once, as run_name.' },
    );
  }
  const name = runName || tagName || generateRunName();
  checkLength('run_name', name, TRACKING_LIMITS.maxRunNameLength);
  return name;
}
