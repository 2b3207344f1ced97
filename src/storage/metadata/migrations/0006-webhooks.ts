import type { Kysely, Migration } from 'kysely';
import type { MigrationDialect } from '../sql-dialect.js';

type Db = Kysely<unknown>;

/**
 * Registry webhooks: subscriptions, and the outbox of deliveries a dispatcher drains. A registry write only
 * inserts delivery rows in its own transaction; the dispatcher POSTs them later. Column meanings are in
 * schema.ts; a released migration never changes.
 */
export function migration0006Webhooks(dialect: MigrationDialect): Migration {
  return {
    async up(db: Db): Promise<void> {
      await createSubscriptions(db, dialect);
      await createDeliveries(db, dialect);
    },
    async down(db: Db): Promise<void> {
      await db.schema.dropTable('webhook_deliveries').execute();
      await db.schema.dropTable('webhook_subscriptions').execute();
    },
  };
}

async function createSubscriptions(db: Db, dialect: MigrationDialect): Promise<void> {
  await db.schema
    .createTable('webhook_subscriptions')
    .addColumn('id', dialect.identity.type, dialect.identity.build)
    .addColumn('url', 'text', (column) => column.notNull())
    .addColumn('model_name', 'text')
    .addColumn('event_kinds', 'text', (column) => column.notNull())
    .addColumn('secret', 'text', (column) => column.notNull())
    .addColumn('description', 'text', (column) => column.notNull().defaultTo(''))
    .addColumn('active', 'integer', (column) => column.notNull())
    .addColumn('created_time', 'bigint', (column) => column.notNull())
    .execute();
  // Enqueueing reads the active subscriptions of one model plus the global ones (model_name null).
  await db.schema
    .createIndex('webhook_subscriptions_model_idx')
    .on('webhook_subscriptions')
    .columns(['model_name', 'active'])
    .execute();
}

async function createDeliveries(db: Db, dialect: MigrationDialect): Promise<void> {
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', dialect.identity.type, dialect.identity.build)
    .addColumn('event_id', 'bigint', (column) => column.notNull().references('events.id'))
    .addColumn('subscription_id', 'bigint', (column) =>
      column.notNull().references('webhook_subscriptions.id').onDelete('cascade'),
    )
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('attempts', 'integer', (column) => column.notNull())
    .addColumn('next_attempt_time', 'bigint', (column) => column.notNull())
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_time', 'bigint', (column) => column.notNull())
    .addColumn('updated_time', 'bigint', (column) => column.notNull())
    .execute();
  // The dispatcher's poll: pending rows in due order.
  await db.schema
    .createIndex('webhook_deliveries_due_idx')
    .on('webhook_deliveries')
    .columns(['status', 'next_attempt_time'])
    .execute();
  // A subscription's deliveries, newest first.
  await db.schema
    .createIndex('webhook_deliveries_subscription_idx')
    .on('webhook_deliveries')
    .columns(['subscription_id', 'id'])
    .execute();
}
