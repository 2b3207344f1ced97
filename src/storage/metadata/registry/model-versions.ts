import type { ModelVersionRow } from '../schema.js';
import type { Db } from '../tracking/db.js';

export interface NewModelVersion {
  readonly modelId: number;
  readonly version: number;
  readonly time: number;
  readonly userId: string;
  readonly description: string | null;
  readonly source: string;
  readonly runId: string | null;
  readonly runLink: string | null;
  readonly treeDigest: string;
  readonly semver: string;
  readonly signature: string | null;
}

export async function insertModelVersion(db: Db, v: NewModelVersion): Promise<ModelVersionRow> {
  return db
    .insertInto('model_versions')
    .values({
      model_id: v.modelId,
      version: v.version,
      creation_time: v.time,
      last_updated_time: v.time,
      user_id: v.userId,
      current_stage: 'None',
      description: v.description,
      source: v.source,
      run_id: v.runId,
      run_link: v.runLink,
      tree_digest: v.treeDigest,
      semver: v.semver,
      signature: v.signature,
      deleted_time: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A live (not deleted) version. */
export async function selectModelVersion(
  db: Db,
  modelId: number,
  version: number,
): Promise<ModelVersionRow | undefined> {
  return db
    .selectFrom('model_versions')
    .selectAll()
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .where('deleted_time', 'is', null)
    .executeTakeFirst();
}

export async function selectVersionBySemver(
  db: Db,
  modelId: number,
  semver: string,
): Promise<ModelVersionRow | undefined> {
  return db
    .selectFrom('model_versions')
    .selectAll()
    .where('model_id', '=', modelId)
    .where('semver', '=', semver)
    .where('deleted_time', 'is', null)
    .executeTakeFirst();
}

/** The live version with the highest number (optionally in a stage). */
export async function selectLatestVersion(
  db: Db,
  modelId: number,
  stage?: string,
): Promise<ModelVersionRow | undefined> {
  let query = db
    .selectFrom('model_versions')
    .selectAll()
    .where('model_id', '=', modelId)
    .where('deleted_time', 'is', null);
  if (stage !== undefined) query = query.where('current_stage', '=', stage);
  return query.orderBy('version', 'desc').limit(1).executeTakeFirst();
}

/** Every semantic version the model has used, deleted versions included (they are never reused). */
export async function selectSemvers(db: Db, modelId: number): Promise<string[]> {
  const rows = await db.selectFrom('model_versions').select('semver').where('model_id', '=', modelId).execute();
  return rows.map((row) => row.semver);
}

/** Live versions of these models, by model. */
export async function selectLiveVersions(db: Db, modelIds: readonly number[]): Promise<ModelVersionRow[]> {
  if (modelIds.length === 0) return [];
  return db
    .selectFrom('model_versions')
    .selectAll()
    .where('model_id', 'in', modelIds)
    .where('deleted_time', 'is', null)
    .execute();
}

export interface ModelVersionChanges {
  readonly description?: string | null;
  readonly currentStage?: string;
  readonly time: number;
}

export async function updateModelVersion(
  db: Db,
  modelId: number,
  version: number,
  changes: ModelVersionChanges,
): Promise<void> {
  await db
    .updateTable('model_versions')
    .set({
      last_updated_time: changes.time,
      ...(changes.description === undefined ? {} : { description: changes.description }),
      ...(changes.currentStage === undefined ? {} : { current_stage: changes.currentStage }),
    })
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .execute();
}

/** Soft-deletes a version: its row stays (number and semver are never reused); its tags go. */
export async function markModelVersionDeleted(db: Db, modelId: number, version: number, time: number): Promise<void> {
  await db.deleteFrom('model_version_tags').where('model_id', '=', modelId).where('version', '=', version).execute();
  await db
    .updateTable('model_versions')
    .set({ deleted_time: time, last_updated_time: time, current_stage: 'Deleted_Internal' })
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .execute();
}

/** The tree digest pinned by every live version, each once (for garbage collection). */
export async function* pinnedTreeDigests(db: Db, batch = 1000): AsyncGenerator<string> {
  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('model_versions')
      .select('tree_digest')
      .distinct()
      .where('deleted_time', 'is', null)
      .where('tree_digest', '>', after)
      .orderBy('tree_digest')
      .limit(batch)
      .execute();
    for (const row of rows) yield row.tree_digest;
    const last = rows.at(-1);
    if (last === undefined || rows.length < batch) return;
    after = last.tree_digest;
  }
}
