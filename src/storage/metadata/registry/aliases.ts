import type { Db } from '../tracking/db.js';
import { pushTo } from '../tracking/db.js';

export interface AliasRow {
  readonly alias: string;
  readonly version: number;
}

/** Points an alias at a version; returns the version it pointed to before (null when new). */
export async function upsertAlias(db: Db, modelId: number, alias: string, version: number): Promise<number | null> {
  const before = await selectAlias(db, modelId, alias);
  await db
    .insertInto('registered_model_aliases')
    .values({ model_id: modelId, alias, version })
    .onConflict((conflict) => conflict.columns(['model_id', 'alias']).doUpdateSet({ version }))
    .execute();
  return before;
}

export async function selectAlias(db: Db, modelId: number, alias: string): Promise<number | null> {
  const row = await db
    .selectFrom('registered_model_aliases')
    .select('version')
    .where('model_id', '=', modelId)
    .where('alias', '=', alias)
    .executeTakeFirst();
  return row === undefined ? null : Number(row.version);
}

/** Removes an alias; returns the version it pointed to (null when there was no such alias). */
export async function deleteAlias(db: Db, modelId: number, alias: string): Promise<number | null> {
  const row = await db
    .deleteFrom('registered_model_aliases')
    .where('model_id', '=', modelId)
    .where('alias', '=', alias)
    .returning('version')
    .executeTakeFirst();
  return row === undefined ? null : Number(row.version);
}

/** Removes every alias of one version; returns the aliases removed. */
export async function deleteVersionAliases(db: Db, modelId: number, version: number): Promise<string[]> {
  const rows = await db
    .deleteFrom('registered_model_aliases')
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .returning('alias')
    .execute();
  return rows.map((row) => row.alias).sort();
}

/** Aliases of these models, by model id, sorted by alias. */
export async function selectAliases(db: Db, modelIds: readonly number[]): Promise<Map<number, AliasRow[]>> {
  const byModel = new Map<number, AliasRow[]>();
  if (modelIds.length === 0) return byModel;
  const rows = await db
    .selectFrom('registered_model_aliases')
    .selectAll()
    .where('model_id', 'in', modelIds)
    .orderBy('alias')
    .execute();
  for (const row of rows) pushTo(byModel, row.model_id, { alias: row.alias, version: Number(row.version) });
  return byModel;
}
