import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe } from 'vitest';
import { type MetadataStore, openMetadata } from '../open-metadata.js';
import type { DialectName } from '../sql-dialect.js';

/** Set to a PostgreSQL URI (e.g. postgresql://postgres@127.0.0.1:5432/test) to run every metadata test on it too. */
export const TEST_PG_URL_ENV = 'SLIPWAY_TEST_PG_URL';

/** What a test gets for one dialect. Everything it opens is closed after each test; SQLite temp files are removed then too. */
export interface DialectUnderTest {
  readonly name: DialectName;
  /** A fresh, empty, migrated store of its own. */
  open(): Promise<MetadataStore>;
  /** The URI of a fresh database (a SQLite file in a temp dir, a new PostgreSQL schema); open it as often as needed. */
  freshUri(): Promise<string>;
}

type Cleanup = () => Promise<void>;
type FreshUri = (cleanups: Cleanup[]) => Promise<string>;

let warned = false;

/**
 * Runs `fn` once per dialect inside `describe(`${name} [${dialect}]`)`: SQLite always, PostgreSQL when
 * SLIPWAY_TEST_PG_URL is set. On PostgreSQL each fresh database is a schema with a random name (dropped when the
 * test run ends), so parallel test files and runs never see each other's rows.
 */
export function forEachDialect(name: string, fn: (dialect: DialectUnderTest) => void): void {
  const pgUrl = process.env[TEST_PG_URL_ENV];
  describeDialect(name, 'sqlite', sqliteFreshUri, fn);
  if (pgUrl) describeDialect(name, 'postgres', () => postgresFreshUri(pgUrl), fn);
  else warnOnce();
}

function describeDialect(name: string, dialect: DialectName, freshUri: FreshUri, fn: (d: DialectUnderTest) => void) {
  describe(`${name} [${dialect}]`, () => {
    const cleanups: Cleanup[] = [];
    afterEach(() => runCleanups(cleanups));
    const open = async (uri: string): Promise<MetadataStore> => {
      const store = await openMetadata(uri);
      cleanups.push(() => store.close());
      return store;
    };
    fn({
      name: dialect,
      freshUri: () => freshUri(cleanups),
      open: async () => open(dialect === 'sqlite' ? 'sqlite:///:memory:' : await freshUri(cleanups)),
    });
  });
}

/** Last registered, first run: stores close before the database under them is removed. */
async function runCleanups(cleanups: Cleanup[]): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

async function sqliteFreshUri(cleanups: Cleanup[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-metadata-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return `sqlite://${join(dir, 'slipway.db')}`;
}

/**
 * A schema of this test run. It is not dropped after the test: test/global-setup.ts drops the run's schemas when
 * the run ends (dropping one while another test file's migrator scans the catalog would fail that scan).
 */
async function postgresFreshUri(baseUrl: string): Promise<string> {
  const runId = process.env.SLIPWAY_TEST_RUN_ID ?? 'adhoc';
  const url = new URL(baseUrl);
  url.searchParams.set('schema', `slipway_test_${runId}_${randomBytes(6).toString('hex')}`);
  return url.toString();
}

/**
 * Once per test run, not once per test file: Vitest's forked workers share a parent, and the first worker to
 * create the marker file for that parent warns.
 */
function warnOnce(): void {
  if (warned) return;
  warned = true;
  try {
    closeSync(openSync(join(tmpdir(), `slipway-pg-tests-skipped-${process.ppid}`), 'wx'));
  } catch {
    return;
  }
  console.warn(
    `\n!!! ${TEST_PG_URL_ENV} is not set: metadata tests run on SQLite only, the PostgreSQL half is SKIPPED.\n` +
      `!!! Run them with ${TEST_PG_URL_ENV}=postgresql://postgres@127.0.0.1:5432/test npx vitest run\n`,
  );
}
