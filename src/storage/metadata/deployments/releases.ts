import { SqliteAdapter } from 'kysely';
import type { ReleaseRow } from '../schema.js';
import type { Db } from '../tracking/db.js';

/** The events table subject of a release: `releases/<id>`. */
export const releaseSubject = (id: string): string => `releases/${id}`;

const numbers = (row: ReleaseRow): ReleaseRow => ({
  ...row,
  created_at: Number(row.created_at),
  updated_at: Number(row.updated_at),
});

export async function insertRelease(db: Db, row: ReleaseRow): Promise<void> {
  await db.insertInto('releases').values(row).execute();
}

/**
 * The release, or undefined. With `lock` (inside a transaction) PostgreSQL holds its row until the transaction
 * ends, so a read-then-write of one release is not interleaved with another; SQLite runs one writer at a time.
 */
export async function selectRelease(db: Db, id: string, lock = false): Promise<ReleaseRow | undefined> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  const row = await db
    .selectFrom('releases')
    .selectAll()
    .where('id', '=', id)
    .$call((query) => (lock && !sqlite ? query.forUpdate() : query))
    .executeTakeFirst();
  return row === undefined ? undefined : numbers(row);
}

/** Sets the given fields; returns the row as stored after, or undefined when there is no such release. */
export async function updateReleaseRow(
  db: Db,
  id: string,
  set: { readonly status?: string | undefined; readonly version?: string | undefined; readonly updated_at: number },
): Promise<ReleaseRow | undefined> {
  const row = await db
    .updateTable('releases')
    .set({
      updated_at: set.updated_at,
      ...(set.status === undefined ? {} : { status: set.status }),
      ...(set.version === undefined ? {} : { version: set.version }),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : numbers(row);
}

/** Releases matching the filter, newest first. */
export async function selectReleases(
  db: Db,
  filter: { readonly model?: string | undefined; readonly status?: string | undefined; readonly limit: number },
): Promise<ReleaseRow[]> {
  let query = db.selectFrom('releases').selectAll();
  if (filter.model !== undefined) query = query.where('model', '=', filter.model);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
  return rows.map(numbers);
}
