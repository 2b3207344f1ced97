import { type SqlBool, sql } from 'kysely';
import type { EventRow } from '../schema.js';
import type { Db } from '../tracking/db.js';

/** Where a page of events stopped: the (time, id) of its last event. */
export interface EventCursor {
  readonly time: number;
  readonly id: number;
}

/** The events table subjects of a model: `models/<name>` and `models/<name>/versions/<n>`. */
export const modelSubject = (name: string): string => `models/${name}`;
export const versionSubject = (name: string, version: number | string): string => `models/${name}/versions/${version}`;

/**
 * Subject is the model's or one of its versions'. The prefix is compared with substr (characters on both
 * dialects), never with LIKE, so `%` or `_` in a name match only themselves.
 */
function aboutModel(name: string) {
  const prefix = `${modelSubject(name)}/versions/`;
  const length = [...prefix].length;
  return sql<SqlBool>`(subject = ${modelSubject(name)} or substr(subject, 1, ${length}) = ${prefix})`;
}

const TIME = sql.ref('events.time');
const ID = sql.ref('events.id');
const ORDER = sql`order by ${TIME} desc, ${ID} desc`;

const before = (cursor: EventCursor | undefined) =>
  cursor === undefined
    ? sql<SqlBool>`1 = 1`
    : sql<SqlBool>`(${TIME} < ${cursor.time} or (${TIME} = ${cursor.time} and ${ID} < ${cursor.id}))`;

/** A model's events, newest first, starting after `cursor`. */
export async function selectModelEvents(
  db: Db,
  name: string,
  cursor: EventCursor | undefined,
  limit: number,
): Promise<EventRow[]> {
  const result = await sql<EventRow>`select * from events where ${aboutModel(name)} and ${before(cursor)}
    ${ORDER} limit ${limit}`.execute(db);
  return result.rows.map((row) => ({ ...row, id: Number(row.id), time: Number(row.time) }));
}

/** The kinds that decide where an alias points: its own moves and deletions, and the model's birth and death. */
export const ALIAS_STATE_KINDS = ['alias.set', 'alias.deleted', 'registered_model.created', 'registered_model.deleted'];

/** Events of the model itself that may change an alias, at or before `at`, newest first. */
export async function selectAliasStateEvents(
  db: Db,
  name: string,
  at: number,
  cursor: EventCursor | undefined,
  limit: number,
): Promise<EventRow[]> {
  const kinds = sql.join(ALIAS_STATE_KINDS.map((kind) => sql`${kind}`));
  const result = await sql<EventRow>`select * from events where subject = ${modelSubject(name)}
    and kind in (${kinds}) and ${TIME} <= ${at} and ${before(cursor)} ${ORDER} limit ${limit}`.execute(db);
  return result.rows.map((row) => ({ ...row, id: Number(row.id), time: Number(row.time) }));
}
