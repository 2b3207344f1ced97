import { type CompiledQuery, Kysely } from 'kysely';
import { invalidParameter, type SlipwayError } from '../../domain/errors.js';
import { migrateToLatest } from './migrate-to-latest.js';
import type { Database } from './schema.js';
import type { DialectName, OpenSqlDialect } from './sql-dialect.js';

/** An open, migrated metadata database. Store modules take `store.db` (or a transaction on it). */
export interface MetadataStore {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  /** The URI it was opened with, password replaced by `***`: for messages and logs. */
  readonly uri: string;
  /** Closes the connection (pool); the store is unusable afterwards. Calling it twice is harmless. */
  close(): Promise<void>;
  /** Where the dialect can: a compiled SELECT's rows as arrays (a capability; absent, use `db`). */
  readonly selectArrays?: ((query: CompiledQuery) => Promise<unknown[][]>) | undefined;
}

/**
 * URI scheme → dialect module, loaded on first use: `pg` loads only for PostgreSQL URIs, `better-sqlite3` only
 * for SQLite ones. Adding a dialect is one entry here and one file in `dialects/`.
 */
export const METADATA_DIALECTS = {
  sqlite: () => import('./dialects/sqlite.js'),
  postgresql: () => import('./dialects/postgres.js'),
  postgres: () => import('./dialects/postgres.js'),
} as const satisfies Record<string, () => Promise<{ readonly openDialect: OpenSqlDialect }>>;

export type MetadataScheme = keyof typeof METADATA_DIALECTS;

const EXAMPLES = 'sqlite:///absolute/path/slipway.db, sqlite:///:memory: or postgresql://user:password@host:5432/db';

/**
 * Opens the metadata database a URI names and migrates it to the latest schema:
 * `sqlite:///abs/path.db`, `sqlite:///:memory:`, `postgresql://user:password@host:port/db[?sslmode=…&schema=…]`.
 */
export async function openMetadata(uri: string): Promise<MetadataStore> {
  const { openDialect } = await loadDialect(uri);
  const dialect = await openDialect(uri);
  const db = new Kysely<Database>({ dialect: dialect.kysely });
  try {
    await migrateToLatest(db, dialect);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const arrays = dialect.selectArrays;
  return {
    db,
    dialect: dialect.name,
    uri: dialect.uri,
    close: () => db.destroy(),
    ...(arrays === undefined ? {} : { selectArrays: (query: CompiledQuery) => arrays(db, query) }),
  };
}

const isMetadataScheme = (scheme: string): scheme is MetadataScheme => Object.hasOwn(METADATA_DIALECTS, scheme);

function loadDialect(uri: string): Promise<{ readonly openDialect: OpenSqlDialect }> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  if (scheme !== undefined && isMetadataScheme(scheme)) return METADATA_DIALECTS[scheme]();
  throw unknownScheme(scheme);
}

/** Names only the scheme, never the whole URI: it may carry a password. */
function unknownScheme(scheme: string | undefined): SlipwayError {
  const known = Object.keys(METADATA_DIALECTS).join(', ');
  const what = scheme === undefined ? 'The metadata URI has no scheme' : `Unknown metadata URI scheme "${scheme}:"`;
  return invalidParameter(`${what}; known schemes: ${known}.`, {
    hint: `Use ${EXAMPLES}. An http(s):// tracking URI names a Slipway server; clients use it, it is not opened here.`,
  });
}
