import type { Kysely, Migration } from 'kysely';
import type { MigrationDialect } from '../sql-dialect.js';

/**
 * The audit log. A released migration never changes: later changes are new migrations. Migrations use untyped
 * `Kysely<unknown>` on purpose, so that they stay valid when `schema.ts` moves on.
 */
export function migration0001Events(dialect: MigrationDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('events')
        .addColumn('id', dialect.identity.type, dialect.identity.build)
        .addColumn('time', 'bigint', (column) => column.notNull())
        .addColumn('actor', 'text', (column) => column.notNull())
        .addColumn('kind', 'text', (column) => column.notNull())
        .addColumn('subject', 'text', (column) => column.notNull())
        .addColumn('payload', 'text', (column) => column.notNull())
        .execute();
      // (…, time, id) serves "where subject = ? order by time, id" in both directions without a sort.
      await db.schema.createIndex('events_subject_time_idx').on('events').columns(['subject', 'time', 'id']).execute();
      await db.schema.createIndex('events_kind_time_idx').on('events').columns(['kind', 'time', 'id']).execute();
      await db.schema.createIndex('events_time_idx').on('events').columns(['time', 'id']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('events').execute();
    },
  };
}
