import { updateRun as storeUpdateRun } from '../storage/metadata/tracking/runs.js';
import { upsertRunTags } from '../storage/metadata/tracking/tags.js';
import { TRACKING_LIMITS } from './limits.js';
import { requireActiveRun, requireRun, toRunInfo } from './load-entities.js';
import type { RunInfo, RunStatus, TrackingDeps } from './types.js';
import { checkLength, checkTimestamp } from './validate.js';
import { RUN_NAME_TAG } from './write-batch.js';

export interface UpdateRunInput {
  readonly runId: string;
  readonly status?: RunStatus | undefined;
  readonly endTime?: number | undefined;
  /** Also rewrites the `mlflow.runName` tag. */
  readonly runName?: string | undefined;
}

/** Sets a run's status, end time and/or name (fields left out keep their values); returns the run's info. */
export async function updateRun(deps: TrackingDeps, input: UpdateRunInput): Promise<RunInfo> {
  if (input.endTime !== undefined) checkTimestamp('end_time', input.endTime);
  const runName = input.runName === '' ? undefined : input.runName;
  if (runName !== undefined) checkLength('run_name', runName, TRACKING_LIMITS.maxRunNameLength);
  return deps.metadata.db.transaction().execute(async (trx) => {
    await requireActiveRun(trx, input.runId);
    await storeUpdateRun(trx, input.runId, { status: input.status, endTime: input.endTime, name: runName });
    if (runName !== undefined) await upsertRunTags(trx, input.runId, [{ key: RUN_NAME_TAG, value: runName }]);
    return toRunInfo(await requireRun(trx, input.runId));
  });
}
