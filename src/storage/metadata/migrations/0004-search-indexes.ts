import { type Kysely, type Migration, SqliteAdapter } from 'kysely';
import type { MigrationDialect } from '../sql-dialect.js';

type Db = Kysely<unknown>;

const isSqlite = (db: Db): boolean => db.getExecutor().adapter instanceof SqliteAdapter;

/**
 * Covering indexes for run search (src/tracking/search), so the common queries read indexes only:
 * - latest_metrics (key, is_nan, value, run_uuid): a search ordered by a metric walks it in value order and
 *   stops after one page of matches;
 * - latest_metrics (run_uuid, key, is_nan, value): a metric filter (`metrics.acc > 0.9`) or a metric sort key is
 *   one index probe per run;
 * - params (run_uuid, key, value), SQLite only: a param filter is one index probe per run. PostgreSQL refuses
 *   btree entries over ~2700 bytes and param values reach 6000 characters, so it keeps using the primary key.
 * The migration gets no dialect name, so it asks the Kysely adapter.
 */
export function migration0004SearchIndexes(_dialect: MigrationDialect): Migration {
  return {
    async up(db: Db): Promise<void> {
      await db.schema
        .createIndex('latest_metrics_key_nan_value_run_idx')
        .on('latest_metrics')
        .columns(['key', 'is_nan', 'value', 'run_uuid'])
        .execute();
      await db.schema
        .createIndex('latest_metrics_run_key_nan_value_idx')
        .on('latest_metrics')
        .columns(['run_uuid', 'key', 'is_nan', 'value'])
        .execute();
      if (isSqlite(db)) {
        await db.schema
          .createIndex('params_run_key_value_idx')
          .on('params')
          .columns(['run_uuid', 'key', 'value'])
          .execute();
      }
    },
    async down(db: Db): Promise<void> {
      await db.schema.dropIndex('params_run_key_value_idx').ifExists().execute();
      await db.schema.dropIndex('latest_metrics_run_key_nan_value_idx').execute();
      await db.schema.dropIndex('latest_metrics_key_nan_value_run_idx').execute();
    },
  };
}
