import type { ExperimentRow, LifecycleStage } from '../schema.js';
import { type Db, idChunks, type KeyValue, pushTo } from './db.js';

export interface NewExperiment {
  readonly name: string;
  /** When absent, `mlflow-artifacts:/<experiment_id>` is stored. */
  readonly artifactLocation?: string | undefined;
  readonly time: number;
}

/** Inserts an experiment; returns its id, or undefined when the name is taken (by an active or deleted one). */
export async function insertExperiment(db: Db, experiment: NewExperiment): Promise<number | undefined> {
  const row = await db
    .insertInto('experiments')
    .values({
      name: experiment.name,
      artifact_location: experiment.artifactLocation ?? '',
      lifecycle_stage: 'active',
      creation_time: experiment.time,
      last_update_time: experiment.time,
    })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .returning('experiment_id')
    .executeTakeFirst();
  if (row === undefined) return undefined;
  if (experiment.artifactLocation === undefined) {
    await db
      .updateTable('experiments')
      .set({ artifact_location: `mlflow-artifacts:/${row.experiment_id}` })
      .where('experiment_id', '=', row.experiment_id)
      .execute();
  }
  return row.experiment_id;
}

export async function selectExperiment(db: Db, experimentId: number): Promise<ExperimentRow | undefined> {
  return db.selectFrom('experiments').selectAll().where('experiment_id', '=', experimentId).executeTakeFirst();
}

export async function selectExperimentByName(db: Db, name: string): Promise<ExperimentRow | undefined> {
  return db.selectFrom('experiments').selectAll().where('name', '=', name).executeTakeFirst();
}

/** Renames; returns false when another experiment has the name. */
export async function renameExperiment(db: Db, experimentId: number, name: string, time: number): Promise<boolean> {
  const taken = await db
    .selectFrom('experiments')
    .select('experiment_id')
    .where('name', '=', name)
    .where('experiment_id', '<>', experimentId)
    .executeTakeFirst();
  if (taken !== undefined) return false;
  await db
    .updateTable('experiments')
    .set({ name, last_update_time: time })
    .where('experiment_id', '=', experimentId)
    .execute();
  return true;
}

export async function setExperimentLifecycle(
  db: Db,
  experimentId: number,
  stage: LifecycleStage,
  time: number,
): Promise<void> {
  await db
    .updateTable('experiments')
    .set({ lifecycle_stage: stage, last_update_time: time })
    .where('experiment_id', '=', experimentId)
    .execute();
}

/** Sets tags (insert or overwrite). Keys must be distinct. */
export async function upsertExperimentTags(db: Db, experimentId: number, tags: readonly KeyValue[]): Promise<void> {
  if (tags.length === 0) return;
  await db
    .insertInto('experiment_tags')
    .values(tags.map((tag) => ({ experiment_id: experimentId, key: tag.key, value: tag.value })))
    .onConflict((conflict) =>
      conflict.columns(['experiment_id', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })),
    )
    .execute();
}

/** The tags of each experiment, by experiment id, in key order. */
export async function selectExperimentTags(db: Db, experimentIds: readonly number[]): Promise<Map<number, KeyValue[]>> {
  const byExperiment = new Map<number, KeyValue[]>();
  for (const ids of idChunks(experimentIds)) {
    const rows = await db
      .selectFrom('experiment_tags')
      .select(['experiment_id', 'key', 'value'])
      .where('experiment_id', 'in', ids)
      .orderBy('experiment_id')
      .orderBy('key')
      .execute();
    for (const row of rows) pushTo(byExperiment, row.experiment_id, { key: row.key, value: row.value });
  }
  return byExperiment;
}
