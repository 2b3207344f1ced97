import { CompiledQuery, type DatabaseConnection, type Kysely, PostgresDialect, sql } from 'kysely';
import { Pool, TypeOverrides } from 'pg';
import { SlipwayError } from '../../../domain/errors.js';
import type { MigrationDialect, OpenSqlDialect } from '../sql-dialect.js';
import { withErrorTranslation } from '../translate-driver-errors.js';
import { postgresErrorTranslator } from './postgres-errors.js';
import { withCurrentSchemaIntrospector } from './postgres-introspector.js';
import { type PostgresTarget, parsePostgresUri } from './postgres-uri.js';

const INT8_OID = 20;
const CONNECT_TIMEOUT_MS = 10_000;

const migration: MigrationDialect = {
  identity: { type: 'bigint', build: (column) => column.primaryKey().generatedByDefaultAsIdentity() },
};

/**
 * `postgresql://user:password@host:port/database?sslmode=…&schema=…` (or `postgres://`). The pool is created
 * lazily connected: an unreachable server shows up at the first query (the migrations run by openMetadata).
 */
export const openDialect: OpenSqlDialect = async (uri) => {
  const target = parsePostgresUri(uri);
  const dialect = new PostgresDialect({
    pool: createPool(target),
    ...(target.schema === undefined ? {} : { onCreateConnection: setSearchPath(target.schema) }),
  });
  return {
    name: 'postgres',
    uri: target.redacted,
    kysely: withErrorTranslation(withCurrentSchemaIntrospector(dialect), postgresErrorTranslator(target)),
    migration,
    resolveSchema: (db) => resolveSchema(db, target),
  };
};

function createPool(target: PostgresTarget): Pool {
  const types = new TypeOverrides();
  types.setTypeParser(INT8_OID, parseInt8);
  const pool = new Pool({
    connectionString: target.connectionString,
    types,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    fallback_application_name: 'slipway',
  });
  // An idle connection died (server restart, network): pg-pool drops it and the next query reconnects. Without a
  // listener the 'error' event would crash the process.
  pool.on('error', () => undefined);
  return pool;
}

/** int8 (bigint, count(*)) as a JS number: ids and ms timestamps fit; anything beyond 2^53 refuses to read. */
function parseInt8(text: string): number {
  const value = Number(text);
  if (Number.isSafeInteger(value)) return value;
  throw new SlipwayError('DATA_LOSS', 'A 64-bit integer from PostgreSQL is beyond the range JavaScript reads exactly.');
}

/** Schema names are checked by parsePostgresUri (`[a-z_][a-z0-9_]*`), so quoting them is enough. */
const setSearchPath =
  (schema: string) =>
  async (connection: DatabaseConnection): Promise<void> => {
    await connection.executeQuery(CompiledQuery.raw(`set search_path to "${schema}"`));
  };

async function resolveSchema<TDatabase>(db: Kysely<TDatabase>, target: PostgresTarget): Promise<string> {
  if (target.schema !== undefined) return target.schema;
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (schema) return schema;
  throw new SlipwayError('INVALID_STATE', `No schema on the search path of ${target.redacted} exists.`, {
    hint: 'Create the schema (e.g. create schema public) or choose one with ?schema=name in the URI.',
  });
}
