import { type Db, idChunks, type KeyValue, rowChunks } from './db.js';

/** The stored values of these param keys of a run (keys not logged yet are absent). */
export async function selectParamValues(
  db: Db,
  runUuid: string,
  keys: readonly string[],
): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  for (const some of idChunks(keys)) {
    const rows = await db
      .selectFrom('params')
      .select(['key', 'value'])
      .where('run_uuid', '=', runUuid)
      .where('key', 'in', some)
      .execute();
    for (const row of rows) values.set(row.key, row.value);
  }
  return values;
}

/**
 * Inserts params whose keys are not logged yet; a key that is already there (logged concurrently) is left as is.
 * Returns the keys actually inserted, so the caller can check the others against their stored values.
 */
export async function insertNewParams(db: Db, runUuid: string, params: readonly KeyValue[]): Promise<Set<string>> {
  const inserted = new Set<string>();
  // Key order: concurrent writers then wait on each other's rows in one order (no deadlock on PostgreSQL).
  const sorted = [...params].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const rows of rowChunks(sorted, 3)) {
    const keys = await db
      .insertInto('params')
      .values(rows.map((param) => ({ run_uuid: runUuid, key: param.key, value: param.value })))
      .onConflict((conflict) => conflict.columns(['run_uuid', 'key']).doNothing())
      .returning('key')
      .execute();
    for (const { key } of keys) inserted.add(key);
  }
  return inserted;
}
