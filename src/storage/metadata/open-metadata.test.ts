import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlipwayError } from '../../domain/errors.js';
import { appendEvent, listEvents } from './events.js';
import { listMigrations } from './migrations/index.js';
import { openMetadata } from './open-metadata.js';
import type { Database } from './schema.js';
import { forEachDialect } from './testing/for-each-dialect.js';

const MIGRATION_NAMES = Object.keys(listMigrations({ identity: { type: 'integer', build: (column) => column } }));

async function migrationNames(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.map((row) => row.name);
}

async function rejection(promise: Promise<unknown>): Promise<SlipwayError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SlipwayError);
  return error as SlipwayError;
}

forEachDialect('openMetadata', ({ name, open, freshUri }) => {
  it('runs every migration on open and reports its dialect', async () => {
    const store = await open();
    expect(store.dialect).toBe(name);
    expect(await migrationNames(store.db)).toEqual(MIGRATION_NAMES);
    expect(await listEvents(store.db, { limit: 10 })).toEqual([]);
  });

  it('reopens an existing database without re-running migrations, keeping its rows', async () => {
    const uri = await freshUri();
    const first = await openMetadata(uri);
    const stored = await appendEvent(first.db, { actor: 'ann', kind: 'test.made', subject: 's/1', payload: { a: 1 } });
    await first.close();
    const second = await openMetadata(uri);
    try {
      expect(await migrationNames(second.db)).toEqual(MIGRATION_NAMES);
      expect(await listEvents(second.db, { limit: 10 })).toEqual([stored]);
    } finally {
      await second.close();
    }
  });

  it('refuses a database migrated by a newer Slipway, naming the unknown migration', async () => {
    const uri = await freshUri();
    const store = await openMetadata(uri);
    await sql`insert into kysely_migration (name, timestamp) values ('9999-from-the-future', '2100-01-01')`.execute(
      store.db,
    );
    await store.close();
    const error = await rejection(openMetadata(uri));
    expect(error.code).toBe('INVALID_STATE');
    expect(error.message).toContain('9999-from-the-future');
    expect(error.hint).toMatch(/upgrade Slipway/i);
  });

  it('returns ms timestamps and counts as JS numbers', async () => {
    const { db } = await open();
    await appendEvent(db, { time: 1_712_345_678_901, actor: 'a', kind: 'k', subject: 's', payload: {} });
    const row = await db.selectFrom('events').select(['id', 'time']).executeTakeFirstOrThrow();
    const count = await db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ id: expect.any(Number), time: 1_712_345_678_901 });
    expect(count.n).toBe(1);
  });

  it.runIf(name === 'postgres')('keeps the schema but never the password in store.uri', async () => {
    const url = new URL(await freshUri());
    url.password = 'not-needed-with-trust-auth';
    const store = await openMetadata(url.toString());
    await store.close();
    url.password = '***';
    expect(store.uri).toBe(url.toString());
    expect(store.uri).toContain('schema=slipway_test_');
  });

  it.runIf(name === 'postgres')('reports a database that does not exist as unavailable, with a hint', async () => {
    const url = new URL(await freshUri());
    url.pathname = '/slipway_no_such_database';
    const error = await rejection(openMetadata(url.toString()));
    expect(error.code).toBe('TEMPORARILY_UNAVAILABLE');
    expect(error.message).toBe(`PostgreSQL at ${url.host} is unavailable: the database does not exist.`);
    expect(error.hint).toMatch(/^Create it first/);
  });

  it.runIf(name === 'postgres')('migrates exactly once when several processes open a new schema at once', async () => {
    const uri = await freshUri();
    const stores = await Promise.all(Array.from({ length: 6 }, () => openMetadata(uri)));
    try {
      expect(await migrationNames(stores[0]?.db as Kysely<Database>)).toEqual(MIGRATION_NAMES);
      await Promise.all(
        stores.map((s, i) => appendEvent(s.db, { actor: `p${i}`, kind: 'k', subject: 's', payload: {} })),
      );
      expect(await listEvents(stores[5]?.db as Kysely<Database>, { limit: 10 })).toHaveLength(6);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});

describe('openMetadata on SQLite files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-open-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('creates missing parent directories and runs the file in WAL mode with foreign keys on', async () => {
    const store = await openMetadata(`sqlite://${join(dir, 'deep', 'er', 'slipway.db')}`);
    try {
      const { rows: mode } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
      const { rows: keys } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(store.db);
      const { rows: busy } = await sql<{ timeout: number }>`pragma busy_timeout`.execute(store.db);
      expect([mode[0]?.journal_mode, keys[0]?.foreign_keys, busy[0]?.timeout]).toEqual(['wal', 1, 5000]);
    } finally {
      await store.close();
    }
  });

  it("accepts MLflow's four-slash form and percent-encoded paths", async () => {
    const path = join(dir, 'with space', 'mlflow.db');
    const store = await openMetadata(`sqlite:///${path.replace(' ', '%20')}`);
    await appendEvent(store.db, { actor: 'a', kind: 'k', subject: 's', payload: {} });
    await store.close();
    const again = await openMetadata(`sqlite://${path}`);
    expect(await listEvents(again.db, { limit: 5 })).toHaveLength(1);
    await again.close();
  });

  it('migrates exactly once when several processes open a new file at once', async () => {
    const uri = `sqlite://${join(dir, 'race', 'slipway.db')}`;
    const script = `const { openMetadata } = await import(${JSON.stringify(new URL('./open-metadata.ts', import.meta.url).href)});
      const store = await openMetadata(process.argv[1]); await store.close();`;
    const run = promisify(execFile);
    const args = ['--import', 'tsx', '--input-type=module', '-e', script, uri];
    await Promise.all(Array.from({ length: 3 }, () => run(process.execPath, args)));
    const store = await openMetadata(uri);
    expect(await migrationNames(store.db)).toEqual(MIGRATION_NAMES);
    await store.close();
  });

  it('names the path and the fix when the path is a directory', async () => {
    const error = await rejection(openMetadata(`sqlite://${dir}`));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toBe(`Cannot open the SQLite database ${dir}: it is a directory, not a file.`);
    expect(error.hint).toContain('sqlite:///');
  });

  it('names the path when its directory cannot be created (a file is in the way)', async () => {
    await writeFile(join(dir, 'plain-file'), 'x');
    const path = join(dir, 'plain-file', 'sub', 'slipway.db');
    const error = await rejection(openMetadata(`sqlite://${path}`));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toContain(`Cannot open the SQLite database ${path}: its directory`);
    expect(error.message).toContain('a part of the path is a file, not a directory');
  });

  it('refuses a file that is not a SQLite database, and leaves it untouched', async () => {
    await mkdir(join(dir, 'notes'), { recursive: true });
    const path = join(dir, 'notes', 'readme.txt');
    await writeFile(path, 'These are notes, not a database. '.repeat(100));
    const error = await rejection(openMetadata(`sqlite://${path}`));
    expect(error.message).toBe(`Cannot open the SQLite database ${path}: the file is not a SQLite database.`);
    expect(await readFile(path, 'utf8')).toBe('These are notes, not a database. '.repeat(100));
  });

  it.each([
    ['sqlite://relative/slipway.db', 'the path must be absolute (note the three slashes)'],
    ['sqlite:relative.db', 'it does not start with sqlite://'],
    ['sqlite:///tmp/x.db?mode=ro', 'SQLite URIs take no query options'],
  ])('rejects %s', async (uri, problem) => {
    const error = await rejection(openMetadata(uri));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toBe(`Invalid SQLite URI ${uri}: ${problem}.`);
    expect(error.hint).toContain('sqlite:///:memory:');
  });
});

describe('openMetadata URI schemes', () => {
  it.each([
    ['mysql://root:hunter2@db/x', 'Unknown metadata URI scheme "mysql:"'],
    ['https://slipway.example.com', 'Unknown metadata URI scheme "https:"'],
    ['/var/lib/slipway.db', 'The metadata URI has no scheme'],
  ])('rejects %s, listing the known schemes without echoing the URI', async (uri, start) => {
    const error = await rejection(openMetadata(uri));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toBe(`${start}; known schemes: sqlite, postgresql, postgres.`);
    expect(error.message).not.toContain('hunter2');
    expect(error.hint).toContain('postgresql://user:password@host:5432/db');
  });

  it('reports an unreachable PostgreSQL as TEMPORARILY_UNAVAILABLE naming host:port, never the password', async () => {
    const error = await rejection(openMetadata('postgresql://slipway:s3cret-pw@127.0.0.1:1/slipway?sslmode=disable'));
    expect(error.code).toBe('TEMPORARILY_UNAVAILABLE');
    expect(error.message).toBe('PostgreSQL at 127.0.0.1:1 is unavailable: cannot connect (ECONNREFUSED).');
    expect(error.hint).toContain('postgresql://slipway:***@127.0.0.1:1/slipway?sslmode=disable');
    expect(`${error.message} ${error.hint} ${String(error.cause)}`).not.toContain('s3cret-pw');
  });

  it('rejects an unusable schema name before connecting', async () => {
    const error = await rejection(openMetadata('postgres://u:pw@127.0.0.1:1/db?schema=Robert%27);drop'));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toBe(`Invalid PostgreSQL URI: schema "Robert');drop" is not a plain name.`);
  });
});
