import { type Db, idChunks, type KeyValue, pushTo, rowChunks } from './db.js';

/**
 * Sets run tags (insert or overwrite). Keys must be distinct: dedupe (last wins) before calling. Rows are written
 * in key order, so concurrent writers lock them in the same order (no deadlock on PostgreSQL).
 */
export async function upsertRunTags(db: Db, runUuid: string, tags: readonly KeyValue[]): Promise<void> {
  const sorted = [...tags].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const rows of rowChunks(sorted, 3)) {
    await db
      .insertInto('run_tags')
      .values(rows.map((tag) => ({ run_uuid: runUuid, key: tag.key, value: tag.value })))
      .onConflict((conflict) =>
        conflict.columns(['run_uuid', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })),
      )
      .execute();
  }
}

/** Deletes a run tag; returns whether it existed. */
export async function deleteRunTag(db: Db, runUuid: string, key: string): Promise<boolean> {
  const result = await db
    .deleteFrom('run_tags')
    .where('run_uuid', '=', runUuid)
    .where('key', '=', key)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function selectRunTag(db: Db, runUuid: string, key: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('run_tags')
    .select('value')
    .where('run_uuid', '=', runUuid)
    .where('key', '=', key)
    .executeTakeFirst();
  return row?.value;
}

/** The tags of each run, by run id, in key order. */
export async function selectRunTags(db: Db, runUuids: readonly string[]): Promise<Map<string, KeyValue[]>> {
  return selectKeyValues(db, 'run_tags', runUuids);
}

/** The params of each run, by run id, in key order. */
export async function selectRunParams(db: Db, runUuids: readonly string[]): Promise<Map<string, KeyValue[]>> {
  return selectKeyValues(db, 'params', runUuids);
}

async function selectKeyValues(
  db: Db,
  table: 'run_tags' | 'params',
  runUuids: readonly string[],
): Promise<Map<string, KeyValue[]>> {
  const byRun = new Map<string, KeyValue[]>();
  for (const ids of idChunks(runUuids)) {
    const rows = await db
      .selectFrom(table)
      .select(['run_uuid', 'key', 'value'])
      .where('run_uuid', 'in', ids)
      .orderBy('run_uuid')
      .orderBy('key')
      .execute();
    for (const row of rows) pushTo(byRun, row.run_uuid, { key: row.key, value: row.value });
  }
  return byRun;
}
