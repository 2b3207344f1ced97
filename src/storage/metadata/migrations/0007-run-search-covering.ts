import { type Kysely, type Migration, SqliteAdapter, sql } from 'kysely';
import type { MigrationDialect } from '../sql-dialect.js';

type Db = Kysely<unknown>;

const isSqlite = (db: Db): boolean => db.getExecutor().adapter instanceof SqliteAdapter;

/**
 * Covering indexes for run search, so a search walks indexes and reads a run's row only once it matches:
 * - runs (experiment_id, lifecycle_stage, start_time, run_uuid) replaces the index without run_uuid: a search in
 *   start_time order walks it and checks each run's filters (correlated on run_uuid) from the index entry alone.
 *   On PostgreSQL start_time is DESC NULLS LAST, the order searches ask for (SQLite sorts NULL first, so a
 *   backward scan of its ascending index already gives it);
 * - run_tags (run_uuid, key, value), SQLite only (as params in 0004): a tag filter is one index probe per run.
 *   PostgreSQL keeps the primary key there, since tag values reach 8000 characters and btree entries cannot.
 */
export function migration0007RunSearchCovering(_dialect: MigrationDialect): Migration {
  return {
    async up(db: Db): Promise<void> {
      await db.schema
        .createIndex('runs_experiment_stage_start_run_idx')
        .on('runs')
        .columns(['experiment_id', 'lifecycle_stage'])
        .expression(isSqlite(db) ? sql`start_time` : sql`start_time desc nulls last`)
        .column('run_uuid')
        .execute();
      await db.schema.dropIndex('runs_experiment_stage_start_idx').execute();
      if (isSqlite(db)) {
        await db.schema
          .createIndex('run_tags_run_key_value_idx')
          .on('run_tags')
          .columns(['run_uuid', 'key', 'value'])
          .execute();
      }
    },
    async down(db: Db): Promise<void> {
      await db.schema.dropIndex('run_tags_run_key_value_idx').ifExists().execute();
      await db.schema
        .createIndex('runs_experiment_stage_start_idx')
        .on('runs')
        .columns(['experiment_id', 'lifecycle_stage', 'start_time'])
        .execute();
      await db.schema.dropIndex('runs_experiment_stage_start_run_idx').execute();
    },
  };
}
