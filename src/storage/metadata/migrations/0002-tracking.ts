import { randomBytes } from 'node:crypto';
import { type Kysely, type Migration, SqliteAdapter, sql } from 'kysely';
import type { MigrationDialect } from '../sql-dialect.js';

type Db = Kysely<unknown>;

/**
 * Experiment tracking, MLflow's model: experiments, runs, tags, params, the full metric history plus the latest
 * point per metric, datasets and run inputs; the default experiment (id 0) and the store's page-token key.
 * Column names are fixed (docs in schema.ts); a released migration never changes.
 */
export function migration0002Tracking(dialect: MigrationDialect): Migration {
  return {
    async up(db: Db): Promise<void> {
      await createExperiments(db, dialect);
      await createRuns(db);
      await createRunData(db);
      await createInputs(db);
      await createStoreKeys(db);
      await seed(db);
    },
    async down(db: Db): Promise<void> {
      const tables = ['store_keys', 'input_tags', 'inputs', 'datasets', 'latest_metrics', 'metrics', 'params'];
      for (const table of [...tables, 'run_tags', 'runs', 'experiment_tags', 'experiments']) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}

async function createExperiments(db: Db, dialect: MigrationDialect): Promise<void> {
  await db.schema
    .createTable('experiments')
    .addColumn('experiment_id', dialect.identity.type, dialect.identity.build)
    .addColumn('name', 'text', (column) => column.notNull().unique())
    .addColumn('artifact_location', 'text', (column) => column.notNull())
    .addColumn('lifecycle_stage', 'text', (column) => column.notNull())
    .addColumn('creation_time', 'bigint', (column) => column.notNull())
    .addColumn('last_update_time', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema
    .createTable('experiment_tags')
    .addColumn('experiment_id', 'bigint', (column) =>
      column.notNull().references('experiments.experiment_id').onDelete('cascade'),
    )
    .addColumn('key', 'text', (column) => column.notNull())
    .addColumn('value', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('experiment_tags_pk', ['experiment_id', 'key'])
    .execute();
}

async function createRuns(db: Db): Promise<void> {
  await db.schema
    .createTable('runs')
    .addColumn('run_uuid', 'text', (column) => column.primaryKey())
    .addColumn('experiment_id', 'bigint', (column) => column.notNull().references('experiments.experiment_id'))
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('user_id', 'text', (column) => column.notNull().defaultTo(''))
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('start_time', 'bigint')
    .addColumn('end_time', 'bigint')
    .addColumn('lifecycle_stage', 'text', (column) => column.notNull())
    .addColumn('artifact_uri', 'text', (column) => column.notNull())
    .addColumn('deleted_time', 'bigint')
    .execute();
  await db.schema
    .createIndex('runs_experiment_stage_start_idx')
    .on('runs')
    .columns(['experiment_id', 'lifecycle_stage', 'start_time'])
    .execute();
}

/** A (run_uuid, key, value) table whose rows go when their run goes. */
async function createKeyValue(db: Db, table: string): Promise<void> {
  await db.schema
    .createTable(table)
    .addColumn('run_uuid', 'text', (column) => column.notNull().references('runs.run_uuid').onDelete('cascade'))
    .addColumn('key', 'text', (column) => column.notNull())
    .addColumn('value', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint(`${table}_pk`, ['run_uuid', 'key'])
    .execute();
}

/** The migration gets no dialect name, so it asks the Kysely adapter (as 0004 does). */
const isSqlite = (db: Db): boolean => db.getExecutor().adapter instanceof SqliteAdapter;

/**
 * The metrics primary key starts with (run_uuid, key, step, timestamp): it is the index that reads a history in
 * step order and pages through it, so no separate index on those columns is kept (it would only slow inserts).
 * On SQLite the table is WITHOUT ROWID: rows live in the primary-key b-tree itself, one b-tree write per point
 * instead of two (about a fifth faster for 1000-point batches).
 */
async function createRunData(db: Db): Promise<void> {
  await createKeyValue(db, 'run_tags');
  await createKeyValue(db, 'params');
  await db.schema
    .createTable('metrics')
    .addColumn('run_uuid', 'text', (column) => column.notNull().references('runs.run_uuid').onDelete('cascade'))
    .addColumn('key', 'text', (column) => column.notNull())
    .addColumn('value', 'double precision', (column) => column.notNull())
    .addColumn('timestamp', 'bigint', (column) => column.notNull())
    .addColumn('step', 'bigint', (column) => column.notNull())
    .addColumn('is_nan', 'integer', (column) => column.notNull())
    .addPrimaryKeyConstraint('metrics_pk', ['run_uuid', 'key', 'step', 'timestamp', 'value', 'is_nan'])
    .$call((table) => (isSqlite(db) ? table.modifyEnd(sql`without rowid`) : table))
    .execute();
  await db.schema
    .createTable('latest_metrics')
    .addColumn('run_uuid', 'text', (column) => column.notNull().references('runs.run_uuid').onDelete('cascade'))
    .addColumn('key', 'text', (column) => column.notNull())
    .addColumn('value', 'double precision', (column) => column.notNull())
    .addColumn('timestamp', 'bigint', (column) => column.notNull())
    .addColumn('step', 'bigint', (column) => column.notNull())
    .addColumn('is_nan', 'integer', (column) => column.notNull())
    .addPrimaryKeyConstraint('latest_metrics_pk', ['run_uuid', 'key'])
    .execute();
  await db.schema.createIndex('latest_metrics_key_value_idx').on('latest_metrics').columns(['key', 'value']).execute();
}

async function createInputs(db: Db): Promise<void> {
  await db.schema
    .createTable('datasets')
    .addColumn('dataset_uuid', 'text', (column) => column.primaryKey())
    .addColumn('experiment_id', 'bigint', (column) => column.notNull().references('experiments.experiment_id'))
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('digest', 'text', (column) => column.notNull())
    .addColumn('source_type', 'text', (column) => column.notNull())
    .addColumn('source', 'text', (column) => column.notNull())
    .addColumn('schema', 'text')
    .addColumn('profile', 'text')
    .addUniqueConstraint('datasets_experiment_name_digest_uq', ['experiment_id', 'name', 'digest'])
    .execute();
  await db.schema
    .createTable('inputs')
    .addColumn('input_uuid', 'text', (column) => column.primaryKey())
    .addColumn('source_type', 'text', (column) => column.notNull())
    .addColumn('source_id', 'text', (column) => column.notNull())
    .addColumn('destination_type', 'text', (column) => column.notNull())
    .addColumn('destination_id', 'text', (column) => column.notNull())
    .addUniqueConstraint('inputs_source_destination_uq', [
      'source_type',
      'source_id',
      'destination_type',
      'destination_id',
    ])
    .execute();
  // "Inputs of run X" reads by destination; the unique constraint above serves "runs that used dataset Y".
  await db.schema
    .createIndex('inputs_destination_idx')
    .on('inputs')
    .columns(['destination_type', 'destination_id'])
    .execute();
  await db.schema
    .createTable('input_tags')
    .addColumn('input_uuid', 'text', (column) => column.notNull().references('inputs.input_uuid').onDelete('cascade'))
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('value', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('input_tags_pk', ['input_uuid', 'name'])
    .execute();
}

async function createStoreKeys(db: Db): Promise<void> {
  await db.schema
    .createTable('store_keys')
    .addColumn('name', 'text', (column) => column.primaryKey())
    .addColumn('value', 'text', (column) => column.notNull())
    .addColumn('created_time', 'bigint', (column) => column.notNull())
    .execute();
}

/** The default experiment every MLflow store has, and a fresh random key for signing page tokens. */
async function seed(db: Db): Promise<void> {
  const now = Date.now();
  await (db as Kysely<SeedTables>)
    .insertInto('experiments')
    .values({
      experiment_id: 0,
      name: 'Default',
      artifact_location: 'mlflow-artifacts:/0',
      lifecycle_stage: 'active',
      creation_time: now,
      last_update_time: now,
    })
    .execute();
  await (db as Kysely<SeedTables>)
    .insertInto('store_keys')
    .values({ name: 'page_token', value: randomBytes(32).toString('hex'), created_time: now })
    .execute();
}

/** The shapes the seed writes, as of this migration (schema.ts may move on). */
interface SeedTables {
  experiments: {
    experiment_id: number;
    name: string;
    artifact_location: string;
    lifecycle_stage: string;
    creation_time: number;
    last_update_time: number;
  };
  store_keys: { name: string; value: string; created_time: number };
}
