// Seeding for bench/tracking.ts: many runs with params and metrics, written as the tracking use cases write them
// (runs, the mlflow.runName tag, params, one history point and the latest_metrics row per metric), but in bulk.
import { randomBytes } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../src/storage/metadata/schema.js';

export const TIME0 = 1_700_000_000_000;

export interface SeedShape {
  readonly runs: number;
  readonly params: number;
  readonly metrics: number;
  /** Distinct values of each param (`v0`…). */
  readonly paramValues: number;
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so every run of the benchmark seeds the same data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeedRow {
  readonly run: readonly unknown[];
  readonly tag: readonly unknown[];
  readonly params: readonly (readonly unknown[])[];
  readonly metrics: readonly (readonly unknown[])[];
}

/** The rows of run `index`: metrics m0… uniform in [0, 1), params p0… = `v<n>`. */
function* seedRows(experimentId: number, shape: SeedShape): Generator<SeedRow> {
  const next = random(42);
  for (let index = 0; index < shape.runs; index++) {
    const runUuid = randomBytes(16).toString('hex');
    const name = `run-${index}`;
    const start = TIME0 + index;
    yield {
      run: [runUuid, experimentId, name, 'bench', 'FINISHED', start, start + 1000, 'active', `a/${runUuid}`, null],
      tag: [runUuid, 'mlflow.runName', name],
      params: Array.from({ length: shape.params }, (_, k) => [
        runUuid,
        `p${k}`,
        `v${Math.floor(next() * shape.paramValues)}`,
      ]),
      metrics: Array.from({ length: shape.metrics }, (_, k) => [runUuid, `m${k}`, next(), start, 0, 0]),
    };
  }
}

const RUN_COLUMNS =
  'run_uuid, experiment_id, name, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri, deleted_time';
const METRIC_COLUMNS = 'run_uuid, key, value, timestamp, step, is_nan';

/**
 * Seeds a migrated SQLite file through better-sqlite3, 1000 runs per transaction. No ANALYZE: a server's file
 * has no statistics unless someone runs it, and search must be fast without them.
 */
export function seedSqliteRuns(db: BetterSqlite3.Database, experimentId: number, shape: SeedShape): void {
  const run = db.prepare(`insert into runs (${RUN_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const tag = db.prepare('insert into run_tags (run_uuid, key, value) values (?, ?, ?)');
  const param = db.prepare('insert into params (run_uuid, key, value) values (?, ?, ?)');
  const metric = db.prepare(`insert into metrics (${METRIC_COLUMNS}) values (?, ?, ?, ?, ?, ?)`);
  const latest = db.prepare(`insert into latest_metrics (${METRIC_COLUMNS}) values (?, ?, ?, ?, ?, ?)`);
  const write = db.transaction((rows: SeedRow[]) => {
    for (const row of rows) {
      run.run(row.run);
      tag.run(row.tag);
      for (const p of row.params) param.run(p);
      for (const m of row.metrics) {
        metric.run(m);
        latest.run(m);
      }
    }
  });
  let pending: SeedRow[] = [];
  for (const row of seedRows(experimentId, shape)) {
    pending.push(row);
    if (pending.length === 1000) {
      write(pending);
      pending = [];
    }
  }
  write(pending);
}

/** Seeds a migrated PostgreSQL schema through Kysely, in multi-row INSERTs of 1000 runs' rows. */
export async function seedPostgresRuns(db: Kysely<Database>, experimentId: number, shape: SeedShape): Promise<void> {
  let pending: SeedRow[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    await insertRows(
      db,
      'runs',
      RUN_COLUMNS,
      pending.map((r) => r.run),
    );
    await insertRows(
      db,
      'run_tags',
      'run_uuid, key, value',
      pending.map((r) => r.tag),
    );
    await insertRows(
      db,
      'params',
      'run_uuid, key, value',
      pending.flatMap((r) => r.params),
    );
    await insertRows(
      db,
      'metrics',
      METRIC_COLUMNS,
      pending.flatMap((r) => r.metrics),
    );
    await insertRows(
      db,
      'latest_metrics',
      METRIC_COLUMNS,
      pending.flatMap((r) => r.metrics),
    );
    pending = [];
  };
  for (const row of seedRows(experimentId, shape)) {
    pending.push(row);
    if (pending.length === 1000) await flush();
  }
  await flush();
  await sql`analyze`.execute(db);
}

/** One INSERT per 2000 rows; table and column names are constants of this file, values are parameters. */
async function insertRows(
  db: Kysely<Database>,
  table: string,
  columns: string,
  rows: readonly (readonly unknown[])[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += 2000) {
    const slice = rows.slice(start, start + 2000);
    const values = sql.join(slice.map((row) => sql`(${sql.join(row.map((value) => sql`${value}`))})`));
    await sql`insert into ${sql.raw(table)} (${sql.raw(columns)}) values ${values}`.execute(db);
  }
}
