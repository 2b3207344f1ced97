import { randomBytes } from 'node:crypto';

/**
 * PostgreSQL test schemas belong to one test run and are dropped when the run ends, not after each test:
 * Kysely's migrator scans the catalog of every schema on open, and a schema dropped in the middle of that scan
 * by a parallel test file fails it ("schema … does not exist"). Schemas left by runs that were killed are
 * dropped by the next run once they are a few hours old.
 */
const RUN_ID_ENV = 'SLIPWAY_TEST_RUN_ID';
const PREFIX = 'slipway_test_';
const STALE_AFTER_MS = 6 * 60 * 60 * 1000;

export async function setup(): Promise<void> {
  process.env[RUN_ID_ENV] = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  await dropSchemas((name) => isStale(name));
}

export async function teardown(): Promise<void> {
  const runId = process.env[RUN_ID_ENV];
  if (runId !== undefined) await dropSchemas((name) => name.startsWith(`${PREFIX}${runId}_`));
}

/** The run id starts with the run's start time in base 36 (9 characters until the year 5188). */
function isStale(name: string): boolean {
  const started = Number.parseInt(name.slice(PREFIX.length, PREFIX.length + 9), 36);
  return Number.isFinite(started) && Date.now() - started > STALE_AFTER_MS;
}

async function dropSchemas(select: (name: string) => boolean): Promise<void> {
  const url = process.env.SLIPWAY_TEST_PG_URL;
  if (!url) return;
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      "select nspname as name from pg_namespace where nspname like 'slipway\\_test\\_%'",
    );
    for (const { name } of rows.filter((row) => select(row.name))) {
      await client.query(`drop schema if exists "${name.replaceAll('"', '""')}" cascade`);
    }
  } finally {
    await client.end();
  }
}
