import type { WebhookSubscriptionRow } from '../schema.js';
import type { Db } from '../tracking/db.js';

export interface NewSubscriptionRow {
  readonly url: string;
  readonly modelName: string | null;
  /** Serialized JSON list of kinds. */
  readonly eventKinds: string;
  readonly secret: string;
  readonly description: string;
  readonly active: boolean;
  readonly createdTime: number;
}

/** Inserts a subscription and returns it as stored. */
export async function insertSubscription(db: Db, row: NewSubscriptionRow): Promise<WebhookSubscriptionRow> {
  return db
    .insertInto('webhook_subscriptions')
    .values({
      url: row.url,
      model_name: row.modelName,
      event_kinds: row.eventKinds,
      secret: row.secret,
      description: row.description,
      active: row.active ? 1 : 0,
      created_time: row.createdTime,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function selectSubscription(db: Db, id: number): Promise<WebhookSubscriptionRow | undefined> {
  return db.selectFrom('webhook_subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Subscriptions in id order, of one model (`modelName`), global ones (null), or all (undefined). */
export async function selectSubscriptions(db: Db, modelName?: string | null): Promise<WebhookSubscriptionRow[]> {
  let query = db.selectFrom('webhook_subscriptions').selectAll();
  if (modelName === null) query = query.where('model_name', 'is', null);
  else if (modelName !== undefined) query = query.where('model_name', '=', modelName);
  return query.orderBy('id').execute();
}

export async function countSubscriptions(db: Db): Promise<number> {
  const row = await db
    .selectFrom('webhook_subscriptions')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Deletes a subscription and (by cascade) its deliveries; false when there was none. */
export async function deleteSubscription(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('webhook_subscriptions').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The active subscriptions an event about `modelName` may match: that model's and the global ones. */
export async function selectActiveSubscriptionsFor(
  db: Db,
  modelName: string | undefined,
): Promise<Pick<WebhookSubscriptionRow, 'id' | 'event_kinds'>[]> {
  return db
    .selectFrom('webhook_subscriptions')
    .select(['id', 'event_kinds'])
    .where('active', '=', 1)
    .where((eb) =>
      modelName === undefined
        ? eb('model_name', 'is', null)
        : eb.or([eb('model_name', 'is', null), eb('model_name', '=', modelName)]),
    )
    .orderBy('id')
    .execute();
}
