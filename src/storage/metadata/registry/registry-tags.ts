import type { Db, KeyValue } from '../tracking/db.js';
import { pushTo } from '../tracking/db.js';

/** Tags of registered models and model versions. Writes return the value a key had before (null if none). */

export async function upsertModelTag(db: Db, modelId: number, tag: KeyValue): Promise<string | null> {
  const before = await db
    .selectFrom('registered_model_tags')
    .select('value')
    .where('model_id', '=', modelId)
    .where('key', '=', tag.key)
    .executeTakeFirst();
  await db
    .insertInto('registered_model_tags')
    .values({ model_id: modelId, key: tag.key, value: tag.value })
    .onConflict((conflict) => conflict.columns(['model_id', 'key']).doUpdateSet({ value: tag.value }))
    .execute();
  return before?.value ?? null;
}

export async function deleteModelTag(db: Db, modelId: number, key: string): Promise<string | null> {
  const row = await db
    .deleteFrom('registered_model_tags')
    .where('model_id', '=', modelId)
    .where('key', '=', key)
    .returning('value')
    .executeTakeFirst();
  return row?.value ?? null;
}

export async function upsertVersionTag(
  db: Db,
  modelId: number,
  version: number,
  tag: KeyValue,
): Promise<string | null> {
  const before = await db
    .selectFrom('model_version_tags')
    .select('value')
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .where('key', '=', tag.key)
    .executeTakeFirst();
  await db
    .insertInto('model_version_tags')
    .values({ model_id: modelId, version, key: tag.key, value: tag.value })
    .onConflict((conflict) => conflict.columns(['model_id', 'version', 'key']).doUpdateSet({ value: tag.value }))
    .execute();
  return before?.value ?? null;
}

export async function deleteVersionTag(db: Db, modelId: number, version: number, key: string): Promise<string | null> {
  const row = await db
    .deleteFrom('model_version_tags')
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .where('key', '=', key)
    .returning('value')
    .executeTakeFirst();
  return row?.value ?? null;
}

/** Tags of these models, by model id, sorted by key. */
export async function selectModelTags(db: Db, modelIds: readonly number[]): Promise<Map<number, KeyValue[]>> {
  const byModel = new Map<number, KeyValue[]>();
  if (modelIds.length === 0) return byModel;
  const rows = await db
    .selectFrom('registered_model_tags')
    .selectAll()
    .where('model_id', 'in', modelIds)
    .orderBy('key')
    .execute();
  for (const row of rows) pushTo(byModel, row.model_id, { key: row.key, value: row.value });
  return byModel;
}

/** Tags of these models' versions, by `<model_id>/<version>`, sorted by key. */
export async function selectVersionTags(db: Db, modelIds: readonly number[]): Promise<Map<string, KeyValue[]>> {
  const byVersion = new Map<string, KeyValue[]>();
  if (modelIds.length === 0) return byVersion;
  const rows = await db
    .selectFrom('model_version_tags')
    .selectAll()
    .where('model_id', 'in', modelIds)
    .orderBy('key')
    .execute();
  for (const row of rows) pushTo(byVersion, `${row.model_id}/${row.version}`, { key: row.key, value: row.value });
  return byVersion;
}
