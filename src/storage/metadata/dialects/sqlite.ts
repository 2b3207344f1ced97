import { mkdir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, normalize } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  SqliteAdapter,
  type SqliteDatabase,
  SqliteDriver,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type TransactionSettings,
} from 'kysely';
import { invalidParameter, type SlipwayError } from '../../../domain/errors.js';
import type { MigrationDialect, OpenSqlDialect, SelectArrays } from '../sql-dialect.js';
import { withErrorTranslation } from '../translate-driver-errors.js';
import { field } from './driver-errors.js';
import { sqliteErrorTranslator } from './sqlite-errors.js';

const PREFIX = 'sqlite://';
const MEMORY = ':memory:';
const BUSY_TIMEOUT_MS = 5000;
const EXAMPLE = 'sqlite:///home/me/.slipway/slipway.db';

const migration: MigrationDialect = {
  identity: { type: 'integer', build: (column) => column.primaryKey().autoIncrement() },
};

/**
 * `sqlite:///abs/path.db` (also MLflow's `sqlite:////abs/path.db`) or `sqlite:///:memory:`. The parent directory
 * is created; files run in WAL mode; every connection enforces foreign keys and waits on locks.
 */
export const openDialect: OpenSqlDialect = async (uri) => {
  const location = sqliteLocation(uri);
  const database = await openDatabase(location);
  const translate = sqliteErrorTranslator(location);
  return {
    name: 'sqlite',
    uri,
    kysely: withErrorTranslation(sqliteDialect(database), translate),
    migration,
    resolveSchema: async () => undefined,
    selectArrays: arraySelector(database, translate),
  };
};

/** Statements kept for array reads (their own: a statement in raw mode would hand Kysely arrays). */
const ARRAY_STATEMENTS = 32;

/**
 * Array reads with better-sqlite3's raw mode, on the one connection Kysely's driver serializes: the read waits
 * for a transaction in progress as any query does, so it never sees another request's uncommitted rows.
 */
function arraySelector(database: BetterSqlite3.Database, translate: (error: unknown) => unknown): SelectArrays {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return (db, query) =>
    db.connection().execute(async () => {
      try {
        let statement = cache.get(query.sql);
        if (statement === undefined) {
          statement = database.prepare(query.sql).raw(true);
          remember(cache, query.sql, statement, ARRAY_STATEMENTS);
        }
        return statement.all(...query.parameters) as unknown[][];
      } catch (error) {
        throw translate(error);
      }
    });
}

/**
 * Kysely's SQLite dialect with two changes. Write transactions start with BEGIN IMMEDIATE, so a second process
 * waits (busy_timeout) instead of failing when it upgrades a read lock; and DDL runs in transactions (SQLite
 * supports it), so a migration applies whole or not at all.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection, settings?: TransactionSettings): Promise<void> {
    const begin = settings?.accessMode === 'read only' ? 'begin' : 'begin immediate';
    await connection.executeQuery(CompiledQuery.raw(begin));
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/** Prepared statements kept per connection; past this, the least recently used is dropped. */
export const STATEMENT_CACHE_SIZE = 128;

/**
 * The database as Kysely's driver sees it, with prepare() answered from a cache keyed by the SQL text. Kysely
 * prepares every statement it runs, and preparing costs as much as running for the multi-row INSERTs of a batch
 * (a 6,000-parameter statement is compiled anew each time). A statement in use (a stream still iterating it) is
 * never handed out twice: a fresh one is prepared instead. SQLite re-prepares cached statements itself after a
 * schema change.
 */
export function cachingStatements(database: BetterSqlite3.Database, size = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = (sql: string): BetterSqlite3.Statement => {
    const cached = cache.get(sql);
    if (cached !== undefined && !cached.busy) {
      cache.delete(sql);
      cache.set(sql, cached);
      return cached;
    }
    const statement = database.prepare(sql);
    if (cached === undefined) remember(cache, sql, statement, size);
    return statement;
  };
  return {
    prepare,
    close: () => {
      cache.clear();
      database.close();
    },
  };
}

function remember<T>(cache: Map<string, T>, sql: string, statement: T, size: number): void {
  cache.set(sql, statement);
  if (cache.size <= size) return;
  const oldest = cache.keys().next();
  if (oldest.done !== true) cache.delete(oldest.value);
}

function sqliteDialect(database: BetterSqlite3.Database): Dialect {
  return {
    createDriver: () => new ImmediateSqliteDriver({ database: cachingStatements(database) }),
    createAdapter: () => new TransactionalDdlSqliteAdapter(),
    createQueryCompiler: () => new SqliteQueryCompiler(),
    createIntrospector: (db) => new SqliteIntrospector(db),
  };
}

/** The file path (or `:memory:`) a sqlite URI names. */
export function sqliteLocation(uri: string): string {
  if (!uri.toLowerCase().startsWith(PREFIX)) throw badUri(uri, 'it does not start with sqlite://');
  const rest = uri.slice(PREFIX.length);
  if (/[?#]/.test(rest)) throw badUri(uri, 'SQLite URIs take no query options');
  if (rest === `/${MEMORY}`) return MEMORY;
  const path = decodePath(uri, rest);
  if (!isAbsolute(path)) throw badUri(uri, 'the path must be absolute (note the three slashes)');
  return normalize(path);
}

function decodePath(uri: string, rest: string): string {
  try {
    const path = decodeURIComponent(rest);
    return process.platform === 'win32' && /^\/[A-Za-z]:/.test(path) ? path.slice(1) : path;
  } catch {
    throw badUri(uri, 'the path is not correctly percent-encoded');
  }
}

const badUri = (uri: string, problem: string): SlipwayError =>
  invalidParameter(`Invalid SQLite URI ${uri}: ${problem}.`, {
    hint: `Use ${EXAMPLE} for a file (absolute path) or sqlite:///:memory: for a throw-away database.`,
  });

async function openDatabase(location: string): Promise<BetterSqlite3.Database> {
  if (location !== MEMORY) await prepareLocation(location);
  let database: BetterSqlite3.Database;
  try {
    database = new BetterSqlite3(location);
  } catch (error) {
    throw cannotOpen(location, error);
  }
  try {
    applyPragmas(database, location !== MEMORY);
    return database;
  } catch (error) {
    database.close();
    throw cannotOpen(location, error);
  }
}

async function prepareLocation(path: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (error) {
    throw cannotOpen(path, error, `its directory ${dirname(path)} cannot be created`);
  }
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw cannotOpen(path, undefined, 'it is a directory, not a file');
}

/**
 * Reads of a file-backed store go through a memory map of its first 256 MiB, and up to 64 MiB of pages stay in
 * SQLite's own cache (the default is 2 MiB). With the defaults, a search over 100,000 runs re-reads its index
 * pages through a system call per page, which cost about half of its CPU time.
 */
const MMAP_BYTES = 256 * 1024 * 1024;
const CACHE_KIB = 64 * 1024;

function applyPragmas(database: BetterSqlite3.Database, isFile: boolean): void {
  database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (isFile) {
    database.pragma('journal_mode = WAL');
    database.pragma(`mmap_size = ${MMAP_BYTES}`);
  }
  database.pragma(`cache_size = -${CACHE_KIB}`);
  database.pragma('foreign_keys = ON');
}

const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  SQLITE_CANTOPEN: 'the file cannot be opened',
  SQLITE_NOTADB: 'the file is not a SQLite database',
  SQLITE_CORRUPT: 'the file is damaged',
  SQLITE_READONLY: 'the file is read-only',
};

function cannotOpen(path: string, cause: unknown, problem?: string): SlipwayError {
  const code = field(cause, 'code');
  const reason = code === undefined ? undefined : (REASONS[code] ?? code);
  const detail = [problem, reason].filter(Boolean).join(': ');
  return invalidParameter(`Cannot open the SQLite database ${path}: ${detail || 'unknown error'}.`, {
    cause,
    hint: `Point the metadata URI at a file in a writable directory, e.g. ${EXAMPLE} (missing directories are created).`,
  });
}
