import { type CreateTableBuilder, type Kysely, type Migration, PostgresAdapter, type RawBuilder, sql } from 'kysely';

type Db = Kysely<unknown>;

/**
 * Deployments and releases. `deployments` holds the current revision of each (model, environment);
 * `deployment_revisions` every revision it went through (the history `slipway rollback` reads); `releases` one row
 * per run of the release flow, whose steps are audit events (`release.<step>.<status>` about `releases/<id>`).
 * Targets and policies are JSON text. Column meanings are in schema.ts; a released migration never changes.
 */
export function migration0009Deployments(): Migration {
  return {
    async up(db: Db): Promise<void> {
      await createDeployments(db);
      await createRevisions(db);
      await createReleases(db);
    },
    async down(db: Db): Promise<void> {
      await db.schema.dropTable('releases').execute();
      await db.schema.dropTable('deployment_revisions').execute();
      await db.schema.dropTable('deployments').execute();
    },
  };
}

/** Model names compare by code point on both dialects (SQLite's BINARY; "C" on PostgreSQL), as in the registry. */
const textC = (db: Db): 'text' | RawBuilder<unknown> =>
  db.getExecutor().adapter instanceof PostgresAdapter ? sql`text collate "C"` : 'text';

/**
 * The columns a deployment's head row and each of its revisions share: who, which revision, what it serves and
 * why. The head row (`deployments`) is the compare-and-set point of a change; `deployment_revisions` its history.
 */
const revisionColumns = (db: Db) => (table: CreateTableBuilder<string, never>) =>
  table
    .addColumn('model', textC(db), (column) => column.notNull())
    .addColumn('environment', textC(db), (column) => column.notNull())
    .addColumn('revision', 'bigint', (column) => column.notNull())
    .addColumn('target', 'text', (column) => column.notNull())
    .addColumn('policy', 'text', (column) => column.notNull())
    .addColumn('action', 'text', (column) => column.notNull())
    .addColumn('reason', 'text')
    .addColumn('release_id', 'text')
    .addColumn('actor', 'text', (column) => column.notNull());

async function createDeployments(db: Db): Promise<void> {
  await db.schema
    .createTable('deployments')
    .$call(revisionColumns(db))
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('deployments_pk', ['model', 'environment'])
    .execute();
  // "What runs in staging" lists by environment.
  await db.schema
    .createIndex('deployments_environment_idx')
    .on('deployments')
    .columns(['environment', 'model'])
    .execute();
}

async function createRevisions(db: Db): Promise<void> {
  await db.schema
    .createTable('deployment_revisions')
    .$call(revisionColumns(db))
    .addColumn('time', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('deployment_revisions_pk', ['model', 'environment', 'revision'])
    .execute();
}

async function createReleases(db: Db): Promise<void> {
  await db.schema
    .createTable('releases')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('model', textC(db), (column) => column.notNull())
    .addColumn('version', 'text')
    .addColumn('target', 'text', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('actor', 'text', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .execute();
  // A model's releases, newest first.
  await db.schema.createIndex('releases_model_created_idx').on('releases').columns(['model', 'created_at']).execute();
}
