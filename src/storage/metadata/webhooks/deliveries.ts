import { type Kysely, SqliteAdapter, type Transaction } from 'kysely';
import type { Database, WebhookDeliveryRow, WebhookDeliveryStatus } from '../schema.js';
import type { Db } from '../tracking/db.js';

/** A delivery with the event it carries (kind and subject), for listings. */
export interface DeliveryListRow extends WebhookDeliveryRow {
  readonly event_kind: string;
  readonly event_subject: string;
}

export interface DeliveryQuery {
  readonly subscriptionId: number;
  readonly status?: WebhookDeliveryStatus | undefined;
  /** Only deliveries with a smaller id (the last id of the previous page). */
  readonly beforeId?: number | undefined;
  readonly limit: number;
}

/** Inserts one pending delivery per subscription for an event, due at `time`. */
export async function insertDeliveries(
  db: Db,
  eventId: number,
  subscriptionIds: readonly number[],
  time: number,
): Promise<void> {
  if (subscriptionIds.length === 0) return;
  const rows = subscriptionIds.map((subscriptionId) => ({
    event_id: eventId,
    subscription_id: subscriptionId,
    status: 'pending' as const,
    attempts: 0,
    next_attempt_time: time,
    created_time: time,
    updated_time: time,
  }));
  await db.insertInto('webhook_deliveries').values(rows).execute();
}

/** A subscription's deliveries, newest first. */
export async function selectDeliveries(db: Db, query: DeliveryQuery): Promise<DeliveryListRow[]> {
  let select = db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('events as e', 'e.id', 'd.event_id')
    .selectAll('d')
    .select(['e.kind as event_kind', 'e.subject as event_subject'])
    .where('d.subscription_id', '=', query.subscriptionId);
  if (query.status !== undefined) select = select.where('d.status', '=', query.status);
  if (query.beforeId !== undefined) select = select.where('d.id', '<', query.beforeId);
  return select.orderBy('d.id', 'desc').limit(query.limit).execute();
}

export interface ClaimRequest {
  readonly now: number;
  /** The claimed rows are not due again before this time (the lease on the attempt). */
  readonly leaseUntil: number;
  readonly limit: number;
}

/** A claimed delivery: its id and the attempt number this claim is (1 for the first). */
export interface ClaimedDelivery {
  readonly id: number;
  readonly attempts: number;
}

const isSqlite = (db: Db): boolean => db.getExecutor().adapter instanceof SqliteAdapter;

/**
 * Claims up to `limit` due pending deliveries: one UPDATE that counts the attempt and moves `next_attempt_time` to
 * the end of the lease, so no other dispatcher claims them meanwhile. On PostgreSQL the candidate rows are locked
 * with `for update skip locked`, so replicas polling at once take disjoint batches without waiting on each other;
 * the outer conditions repeat the due check, so a row another replica claimed first is never claimed twice. SQLite
 * runs one writer at a time, so the single statement is atomic there.
 */
export async function claimDueDeliveries(db: Kysely<Database>, claim: ClaimRequest): Promise<ClaimedDelivery[]> {
  const sqlite = isSqlite(db);
  const due = db
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_time', '<=', claim.now)
    .orderBy('next_attempt_time')
    .orderBy('id')
    .limit(claim.limit)
    .$call((query) => (sqlite ? query : query.forUpdate().skipLocked()));
  const rows = await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      next_attempt_time: claim.leaseUntil,
      updated_time: claim.now,
    }))
    .where('id', 'in', due)
    .where('status', '=', 'pending')
    .where('next_attempt_time', '<=', claim.now)
    .returning(['id', 'attempts'])
    .execute();
  return rows.sort((a, b) => a.id - b.id);
}

/** What the dispatcher needs to send one claimed delivery: the subscription's target and key, and the event. */
export interface DeliveryWork {
  readonly id: number;
  readonly url: string;
  readonly secret: string;
  readonly event_id: number;
  readonly event_time: number;
  readonly event_actor: string;
  readonly event_kind: string;
  readonly event_subject: string;
  readonly event_payload: string;
}

export async function selectDeliveryWork(db: Db, ids: readonly number[]): Promise<DeliveryWork[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_subscriptions as s', 's.id', 'd.subscription_id')
    .innerJoin('events as e', 'e.id', 'd.event_id')
    .select(['d.id', 's.url', 's.secret', 'e.id as event_id', 'e.time as event_time', 'e.actor as event_actor'])
    .select(['e.kind as event_kind', 'e.subject as event_subject', 'e.payload as event_payload'])
    .where('d.id', 'in', ids)
    .orderBy('d.id')
    .execute();
}

export interface DeliveryOutcome {
  readonly id: number;
  /** The attempt this outcome is for: a stale dispatcher whose lease ran out does not overwrite a newer one. */
  readonly attempts: number;
  readonly status: WebhookDeliveryStatus;
  readonly nextAttemptTime: number;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly now: number;
}

/** Records an attempt's outcome; false when the row moved on (deleted, or claimed again after the lease). */
export async function recordDeliveryOutcome(
  db: Db | Transaction<Database>,
  outcome: DeliveryOutcome,
): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({
      status: outcome.status,
      next_attempt_time: outcome.nextAttemptTime,
      last_status_code: outcome.lastStatusCode,
      last_error: outcome.lastError,
      updated_time: outcome.now,
    })
    .where('id', '=', outcome.id)
    .where('attempts', '=', outcome.attempts)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
