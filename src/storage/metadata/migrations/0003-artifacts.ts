import { type Kysely, type Migration, PostgresAdapter, type RawBuilder, sql } from 'kysely';
import type { MigrationDialect } from '../sql-dialect.js';

/**
 * The artifact proxy's path → object table. Listing a folder is a range scan on `path`, which needs text ordered
 * by code point: SQLite's default BINARY collation is; on PostgreSQL the column uses the "C" collation, since the
 * database's (en_US.UTF-8 and friends) would order `a/b` and `ab` in ways no prefix range can follow.
 */
export function migration0003Artifacts(_dialect: MigrationDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('artifact_files')
        .addColumn('path', pathType(db), (column) => column.primaryKey())
        .addColumn('digest', 'text', (column) => column.notNull())
        .addColumn('size', 'bigint', (column) => column.notNull())
        .addColumn('created_time', 'bigint', (column) => column.notNull())
        .execute();
      // Which paths hold an object: for garbage collection and "who uses this digest".
      await db.schema.createIndex('artifact_files_digest_idx').on('artifact_files').column('digest').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('artifact_files').execute();
    },
  };
}

const pathType = (db: Kysely<unknown>): 'text' | RawBuilder<unknown> =>
  db.getExecutor().adapter instanceof PostgresAdapter ? sql`text collate "C"` : 'text';
