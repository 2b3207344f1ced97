import type { Generated, Insertable, Selectable } from 'kysely';

/**
 * The metadata database as Kysely sees it: one interface per table, columns in snake_case exactly as stored.
 * Integers are JS numbers on both dialects (PostgreSQL int8 is parsed to number by the dialect); JSON columns
 * are text and are parsed by the store module that owns them.
 */
export interface Database {
  events: EventsTable;
}

/** The audit log: one row per change worth answering "who did what, when" about. */
export interface EventsTable {
  /** Auto-incrementing on both dialects; also the tie-breaker for events with the same time. */
  id: Generated<number>;
  /** Milliseconds since the Unix epoch. */
  time: number;
  actor: string;
  /** Dotted lower-case kind, e.g. `model_version.created`. */
  kind: string;
  /** What the event is about, e.g. `models/wine`. */
  subject: string;
  /** A JSON object, serialized. */
  payload: string;
}

export type EventRow = Selectable<EventsTable>;
export type NewEventRow = Insertable<EventsTable>;
