import { type Kysely, type Migration, PostgresAdapter, type RawBuilder, sql } from 'kysely';
import type { MigrationDialect } from '../sql-dialect.js';

type Db = Kysely<unknown>;

/**
 * The model registry, MLflow's model plus Slipway's pins: registered models (with a per-model version counter,
 * so version numbers stay unique and gap-free under concurrent registrations), model versions (each pins the
 * digest of its tree and carries a semantic version), their tags, and aliases. A model's name is unique by its
 * normalized key (NFC, percent-decoded). Versions are soft-deleted (deleted_time) so numbers and semantic versions
 * are never reused. A released migration never changes.
 */
export function migration0005Registry(dialect: MigrationDialect): Migration {
  return {
    async up(db: Db): Promise<void> {
      await createRegisteredModels(db, dialect);
      await createModelVersions(db);
      await createTagsAndAliases(db);
    },
    async down(db: Db): Promise<void> {
      for (const table of ['registered_model_aliases', 'model_version_tags', 'registered_model_tags']) {
        await db.schema.dropTable(table).execute();
      }
      await db.schema.dropTable('model_versions').execute();
      await db.schema.dropTable('registered_models').execute();
    },
  };
}

/** Names compare by code point on both dialects (SQLite's BINARY; "C" on PostgreSQL), as artifact paths do. */
const textC = (db: Db): 'text' | RawBuilder<unknown> =>
  db.getExecutor().adapter instanceof PostgresAdapter ? sql`text collate "C"` : 'text';

async function createRegisteredModels(db: Db, dialect: MigrationDialect): Promise<void> {
  await db.schema
    .createTable('registered_models')
    .addColumn('model_id', dialect.identity.type, dialect.identity.build)
    .addColumn('name', textC(db), (column) => column.notNull())
    .addColumn('name_key', textC(db), (column) => column.notNull().unique())
    .addColumn('description', 'text')
    .addColumn('creation_time', 'bigint', (column) => column.notNull())
    .addColumn('last_updated_time', 'bigint', (column) => column.notNull())
    .addColumn('last_version', 'bigint', (column) => column.notNull().defaultTo(0))
    .execute();
}

async function createModelVersions(db: Db): Promise<void> {
  await db.schema
    .createTable('model_versions')
    .addColumn('model_id', 'bigint', (column) =>
      column.notNull().references('registered_models.model_id').onDelete('cascade'),
    )
    .addColumn('version', 'bigint', (column) => column.notNull())
    .addColumn('creation_time', 'bigint', (column) => column.notNull())
    .addColumn('last_updated_time', 'bigint', (column) => column.notNull())
    .addColumn('user_id', 'text', (column) => column.notNull())
    .addColumn('current_stage', 'text', (column) => column.notNull())
    .addColumn('description', 'text')
    .addColumn('source', 'text', (column) => column.notNull())
    .addColumn('run_id', 'text')
    .addColumn('run_link', 'text')
    .addColumn('tree_digest', 'text', (column) => column.notNull())
    .addColumn('semver', 'text', (column) => column.notNull())
    .addColumn('signature', 'text')
    .addColumn('deleted_time', 'bigint')
    .addPrimaryKeyConstraint('model_versions_pk', ['model_id', 'version'])
    .addUniqueConstraint('model_versions_semver_uq', ['model_id', 'semver'])
    .execute();
  // "Versions of run X" (search by run_id) and "who pins digest Y" (gc, audits).
  await db.schema.createIndex('model_versions_run_idx').on('model_versions').column('run_id').execute();
  await db.schema.createIndex('model_versions_digest_idx').on('model_versions').column('tree_digest').execute();
}

async function createTagsAndAliases(db: Db): Promise<void> {
  await db.schema
    .createTable('registered_model_tags')
    .addColumn('model_id', 'bigint', (column) =>
      column.notNull().references('registered_models.model_id').onDelete('cascade'),
    )
    .addColumn('key', 'text', (column) => column.notNull())
    .addColumn('value', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('registered_model_tags_pk', ['model_id', 'key'])
    .execute();
  await db.schema
    .createTable('model_version_tags')
    .addColumn('model_id', 'bigint', (column) => column.notNull())
    .addColumn('version', 'bigint', (column) => column.notNull())
    .addColumn('key', 'text', (column) => column.notNull())
    .addColumn('value', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('model_version_tags_pk', ['model_id', 'version', 'key'])
    .addForeignKeyConstraint(
      'model_version_tags_fk',
      ['model_id', 'version'],
      'model_versions',
      ['model_id', 'version'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createTable('registered_model_aliases')
    .addColumn('model_id', 'bigint', (column) =>
      column.notNull().references('registered_models.model_id').onDelete('cascade'),
    )
    .addColumn('alias', 'text', (column) => column.notNull())
    .addColumn('version', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('registered_model_aliases_pk', ['model_id', 'alias'])
    .addForeignKeyConstraint(
      'registered_model_aliases_fk',
      ['model_id', 'version'],
      'model_versions',
      ['model_id', 'version'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();
}
