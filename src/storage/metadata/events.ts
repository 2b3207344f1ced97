import type { Expression, ExpressionBuilder, Kysely, SqlBool, Transaction } from 'kysely';
import { z } from 'zod';
import { invalidParameter } from '../../domain/errors.js';
import { type JsonObject, parsePayload, serializePayload } from './json-payload.js';
import type { Database, EventRow } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Bounds on event fields, in characters, and on one page of `listEvents`. */
export const EVENT_LIMITS = { actor: 256, kind: 128, subject: 512, page: 1000 } as const;

/** One entry of the audit log. */
export interface AuditEvent {
  readonly id: number;
  /** Milliseconds since the Unix epoch. */
  readonly time: number;
  readonly actor: string;
  /** Dot-separated lower-case words: `model_version.created`, `alias.moved`. */
  readonly kind: string;
  /** What it is about: `models/wine`, `models/wine/versions/3`. */
  readonly subject: string;
  readonly payload: JsonObject;
}

export interface NewAuditEvent {
  /** Defaults to now. */
  readonly time?: number;
  readonly actor: string;
  readonly kind: string;
  readonly subject: string;
  /** A plain JSON object of at most 1 MiB serialized (see json-payload.ts). */
  readonly payload: Readonly<JsonObject>;
}

/**
 * A page of events in (time, id) order: oldest first by default, newest first with `order: 'desc'`. `since` is
 * inclusive and `until` exclusive (ms). `afterId` continues after that event in the chosen order: pass the id
 * of the last event of the previous page. (An `afterId` that does not exist yields an empty page.)
 */
export interface AuditEventQuery {
  readonly subject?: string;
  readonly kind?: string;
  readonly since?: number;
  readonly until?: number;
  /** 1 to EVENT_LIMITS.page. */
  readonly limit: number;
  readonly afterId?: number;
  readonly order?: 'asc' | 'desc';
}

const PRINTABLE = /^[^\p{Cc}\p{Cs}]*$/u;
const KIND = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
const text = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(PRINTABLE, 'must not contain control characters or unpaired surrogates');
const kind = text(EVENT_LIMITS.kind).regex(KIND, 'must be dot-separated lower-case words, e.g. model_version.created');
const millis = z.number().int('must be an integer (ms since the epoch)').min(0).max(Number.MAX_SAFE_INTEGER);

const newEventSchema = z.object({
  time: millis.optional(),
  actor: text(EVENT_LIMITS.actor),
  kind,
  subject: text(EVENT_LIMITS.subject),
  payload: z.unknown(),
});

const querySchema = z.object({
  subject: text(EVENT_LIMITS.subject).optional(),
  kind: kind.optional(),
  since: millis.optional(),
  until: millis.optional(),
  limit: z.number().int('must be an integer').min(1).max(EVENT_LIMITS.page),
  afterId: z.number().int('must be an integer').min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  order: z.enum(['asc', 'desc']).optional(),
});

function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => `${issue.path.join('.') || what}: ${issue.message}`);
  throw invalidParameter(`Invalid ${what}: ${issues.join('; ')}.`);
}

const toEvent = (row: EventRow): AuditEvent => ({ ...row, payload: parsePayload(row.payload, `event ${row.id}`) });

/** Appends an event and returns it as stored (with its id; the payload is the stored copy). */
export async function appendEvent(db: Db, input: NewAuditEvent): Promise<AuditEvent> {
  const event = parse(newEventSchema, input, 'event');
  const payload = serializePayload(event.payload);
  const row = await db
    .insertInto('events')
    .values({ time: event.time ?? Date.now(), actor: event.actor, kind: event.kind, subject: event.subject, payload })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toEvent(row);
}

/** Lists events matching every given filter; see AuditEventQuery for order and paging. */
export async function listEvents(db: Db, input: AuditEventQuery): Promise<AuditEvent[]> {
  const query = parse(querySchema, input, 'event query');
  const order = query.order ?? 'asc';
  const rows = await db
    .selectFrom('events')
    .selectAll()
    .where((eb) => eb.and(filters(eb, query)))
    .orderBy('time', order)
    .orderBy('id', order)
    .limit(query.limit)
    .execute();
  return rows.map(toEvent);
}

type EventsBuilder = ExpressionBuilder<Database, 'events'>;

function filters(eb: EventsBuilder, query: AuditEventQuery): Expression<SqlBool>[] {
  const list: Expression<SqlBool>[] = [];
  if (query.subject !== undefined) list.push(eb('subject', '=', query.subject));
  if (query.kind !== undefined) list.push(eb('kind', '=', query.kind));
  if (query.since !== undefined) list.push(eb('time', '>=', query.since));
  if (query.until !== undefined) list.push(eb('time', '<', query.until));
  if (query.afterId !== undefined) list.push(after(eb, query.afterId, query.order ?? 'asc'));
  return list;
}

/** Strictly past the event `id` in (time, id) order: a later time, or the same time and a later id. */
function after(eb: EventsBuilder, id: number, order: 'asc' | 'desc'): Expression<SqlBool> {
  const past = order === 'asc' ? '>' : '<';
  const anchorTime = eb.selectFrom('events as anchor').select('anchor.time').where('anchor.id', '=', id);
  return eb.or([eb('time', past, anchorTime), eb.and([eb('time', '=', anchorTime), eb('id', past, id)])]);
}
