import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';

/** Store functions run on the database or inside a caller's transaction. */
export type Db = Kysely<Database> | Transaction<Database>;

/**
 * Bind parameters per statement. SQLite allows 32766 (since 3.32) and PostgreSQL 65535; staying well under both
 * keeps one multi-row INSERT per 1000-point batch while never tripping either limit.
 */
export const MAX_BIND_PARAMETERS = 30_000;

/** Splits `items` into chunks of at most `size` (at least one item each). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const step = Math.max(1, Math.floor(size));
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += step) chunks.push(items.slice(start, start + step));
  return chunks;
}

/** Chunks of rows with `columns` bind parameters each, sized for one statement. */
export const rowChunks = <T>(rows: readonly T[], columns: number): T[][] => chunk(rows, MAX_BIND_PARAMETERS / columns);

/** Chunks of ids for `IN (…)` lists. */
export const idChunks = <T>(ids: readonly T[]): T[][] => chunk(ids, 1000);

/** A key and its value: tags, params, input tags. */
export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

/** Appends `value` to the list under `key`. */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
