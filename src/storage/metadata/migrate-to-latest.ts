import { type Kysely, type MigrationResult, Migrator } from 'kysely';
import { isSlipwayError, SlipwayError } from '../../domain/errors.js';
import { listMigrations } from './migrations/index.js';
import type { Database } from './schema.js';
import type { SqlDialect } from './sql-dialect.js';

/**
 * Brings the database to the latest schema. Safe to run from several processes at once: on PostgreSQL the
 * migrator holds an advisory lock and runs in one transaction; on SQLite it runs in one BEGIN IMMEDIATE
 * transaction. Either way the pending list is re-read under the lock, so each migration runs exactly once.
 */
export async function migrateToLatest(db: Kysely<Database>, dialect: SqlDialect): Promise<void> {
  const schema = await dialect.resolveSchema(db);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => listMigrations(dialect.migration) },
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) throw migrationFailed(error, results, dialect.uri);
}

function migrationFailed(error: unknown, results: MigrationResult[] | undefined, uri: string): SlipwayError {
  if (isSlipwayError(error)) return error;
  const message = error instanceof Error ? error.message : '';
  const unknown = /previously executed migration (\S+) is missing/.exec(message)?.[1];
  if (unknown !== undefined) {
    return new SlipwayError('INVALID_STATE', `The metadata database ${uri} has migration ${unknown}, unknown here.`, {
      cause: error,
      hint: 'A newer Slipway migrated it: upgrade Slipway, or point it at another database.',
    });
  }
  const failed = results?.find((result) => result.status === 'Error')?.migrationName;
  return new SlipwayError('INTERNAL_ERROR', `Migrating the metadata database ${uri} failed at ${failed ?? 'setup'}.`, {
    cause: error,
    hint: 'No pending migration was applied, the database is as it was; the log has the cause.',
  });
}
