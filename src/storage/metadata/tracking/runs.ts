import type { LifecycleStage, RunRow, RunStatusName } from '../schema.js';
import { type Db, idChunks } from './db.js';

export interface NewRun {
  readonly runUuid: string;
  readonly experimentId: number;
  readonly name: string;
  readonly userId: string;
  readonly status: RunStatusName;
  readonly startTime: number | null;
  readonly artifactUri: string;
}

export async function insertRun(db: Db, run: NewRun): Promise<void> {
  await db
    .insertInto('runs')
    .values({
      run_uuid: run.runUuid,
      experiment_id: run.experimentId,
      name: run.name,
      user_id: run.userId,
      status: run.status,
      start_time: run.startTime,
      end_time: null,
      lifecycle_stage: 'active',
      artifact_uri: run.artifactUri,
      deleted_time: null,
    })
    .execute();
}

export async function selectRun(db: Db, runUuid: string): Promise<RunRow | undefined> {
  return db.selectFrom('runs').selectAll().where('run_uuid', '=', runUuid).executeTakeFirst();
}

/** The runs with these ids that exist, in no particular order. */
export async function selectRuns(db: Db, runUuids: readonly string[]): Promise<RunRow[]> {
  const rows: RunRow[] = [];
  for (const ids of idChunks(runUuids)) {
    rows.push(...(await db.selectFrom('runs').selectAll().where('run_uuid', 'in', ids).execute()));
  }
  return rows;
}

export interface RunChanges {
  readonly status?: RunStatusName | undefined;
  readonly endTime?: number | undefined;
  readonly name?: string | undefined;
}

/** Applies the fields that are set; returns nothing when none are. */
export async function updateRun(db: Db, runUuid: string, changes: RunChanges): Promise<void> {
  const set = {
    ...(changes.status === undefined ? {} : { status: changes.status }),
    ...(changes.endTime === undefined ? {} : { end_time: changes.endTime }),
    ...(changes.name === undefined ? {} : { name: changes.name }),
  };
  if (Object.keys(set).length === 0) return;
  await db.updateTable('runs').set(set).where('run_uuid', '=', runUuid).execute();
}

/** Marks one run deleted (with the time) or active again. */
export async function setRunLifecycle(db: Db, runUuid: string, stage: LifecycleStage, time: number): Promise<void> {
  await db
    .updateTable('runs')
    .set({ lifecycle_stage: stage, deleted_time: stage === 'deleted' ? time : null })
    .where('run_uuid', '=', runUuid)
    .execute();
}

/** Marks every run of an experiment deleted or active, as MLflow does when the experiment is deleted or restored. */
export async function setExperimentRunsLifecycle(
  db: Db,
  experimentId: number,
  stage: LifecycleStage,
  time: number,
): Promise<void> {
  await db
    .updateTable('runs')
    .set({ lifecycle_stage: stage, deleted_time: stage === 'deleted' ? time : null })
    .where('experiment_id', '=', experimentId)
    .where('lifecycle_stage', '<>', stage)
    .execute();
}
