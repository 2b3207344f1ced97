import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import type { Digest } from '../../domain/digest.js';

/** What the state index remembers of a file: its stamp when it was hashed, and the digest. */
export interface StateEntry {
  /** `inode:size:mtimeMs` (see stampOf). */
  readonly stamp: string;
  readonly digest: Digest;
  /** Wall-clock time (ms) just before the file was hashed. */
  readonly hashedAtMs: number;
}

export interface StateRow extends StateEntry {
  /** Workspace-relative, `/`-separated. */
  readonly path: string;
}

/** A file as seen now, to look up in the index. */
export interface FileStamp {
  readonly stamp: string;
  readonly mtimeMs: number;
}

/** The identity of a file's content as `stat` sees it: inode, size and modification time. */
export const stampOf = (info: { readonly ino: number; readonly size: number; readonly mtimeMs: number }): string =>
  `${info.ino}:${info.size}:${info.mtimeMs}`;

/**
 * A file modified within this long of being hashed may have changed again within the same timestamp tick
 * ("racy" in git's terms); such entries are not trusted and the file is hashed again next time.
 */
export const RACY_WINDOW_MS = 1000;

/** The digest a row gives for a file as it is now, or undefined when the file must be hashed. */
export const trustedDigest = (row: StateEntry | undefined, file: FileStamp): Digest | undefined =>
  row !== undefined && row.stamp === file.stamp && file.mtimeMs + RACY_WINDOW_MS < row.hashedAtMs
    ? row.digest
    : undefined;

export interface StateIndex {
  /** Every row at `path` or below `path/` (all rows for `''`). */
  load(path: string): Map<string, StateEntry>;
  save(rows: readonly StateRow[]): void;
  close(): void;
}

const SCHEMA_VERSION = 3;

const CREATE = `CREATE TABLE files (path TEXT PRIMARY KEY, stamp TEXT NOT NULL, digest TEXT NOT NULL,
  hashed_at_ms REAL NOT NULL) WITHOUT ROWID`;

type RawRow = [string, string, Digest, number];

/**
 * Opens (creating) the workspace state index, `.slipway/state.db`: SQLite in WAL mode, so readers and a writer
 * can share it. It is a cache: an index of another format version is dropped and rebuilt. Import this module
 * lazily (`await import(...)`), so that commands which never hash do not load the SQLite driver.
 */
export function openStateIndex(file: string): StateIndex {
  const db = new BetterSqlite3(file, { timeout: 10_000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  if (Number(db.pragma('user_version', { simple: true })) !== SCHEMA_VERSION) {
    db.exec('DROP TABLE IF EXISTS files');
    db.exec(CREATE);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }
  return new SqliteStateIndex(db);
}

class SqliteStateIndex implements StateIndex {
  readonly #db: Database;
  readonly #all: Statement<[], RawRow>;
  readonly #under: Statement<[string, string, string], RawRow>;
  readonly #upsert: Statement<RawRow>;

  constructor(db: Database) {
    this.#db = db;
    const columns = 'path, stamp, digest, hashed_at_ms';
    this.#all = db.prepare<[], RawRow>(`SELECT ${columns} FROM files`).raw(true);
    this.#under = db
      .prepare<[string, string, string], RawRow>(
        `SELECT ${columns} FROM files WHERE path = ? OR (path >= ? AND path < ?)`,
      )
      .raw(true);
    this.#upsert = db.prepare<RawRow>(`INSERT OR REPLACE INTO files (${columns}) VALUES (?, ?, ?, ?)`);
  }

  load(path: string): Map<string, StateEntry> {
    const raws = path === '' ? this.#all.all() : this.#under.all(path, `${path}/`, `${path}0`);
    const rows = new Map<string, StateEntry>();
    for (const [rowPath, stamp, digest, hashedAtMs] of raws) rows.set(rowPath, { stamp, digest, hashedAtMs });
    return rows;
  }

  save(rows: readonly StateRow[]): void {
    if (rows.length === 0) return;
    this.#db.transaction(() => {
      for (const row of rows) this.#upsert.run(row.path, row.stamp, row.digest, row.hashedAtMs);
    })();
  }

  close(): void {
    this.#db.close();
  }
}
