// Query plans of run searches for bench/tracking.ts: the SQL the search use case issues, captured through a Kysely
// log hook, then EXPLAIN QUERY PLAN on SQLite and EXPLAIN ANALYZE on PostgreSQL (seeded with the same runs).
import { randomBytes } from 'node:crypto';
import { type CompiledQuery, Kysely, sql } from 'kysely';
import { openMetadata } from '../src/storage/metadata/open-metadata.js';
import type { Database } from '../src/storage/metadata/schema.js';
import type { DialectName, OpenSqlDialect } from '../src/storage/metadata/sql-dialect.js';
import { createExperiment } from '../src/tracking/create-experiment.js';
import { searchRuns } from '../src/tracking/search-runs.js';
import { median, seconds } from './measure.js';
import { type SeedShape, seedPostgresRuns } from './tracking-seed.js';

/** One search of the benchmark. */
export interface SearchCase {
  readonly label: string;
  readonly filter: string;
  readonly orderBy: readonly string[];
  /** The same search as one hand-written SQL query (run ids only), for the baseline on SQLite. */
  readonly rawSql: string;
  readonly rawParams: readonly unknown[];
}

export interface PlanReport {
  readonly markdown: string;
}

/** A Kysely on `uri` (already migrated) that records every query it runs. */
async function recordingDb(uri: string, open: OpenSqlDialect) {
  const dialect = await open(uri);
  const queries: CompiledQuery[] = [];
  const db = new Kysely<Database>({
    dialect: dialect.kysely,
    log: (event) => {
      if (event.level === 'query') queries.push(event.query);
    },
  });
  return { db, queries, dialect: dialect.name };
}

/** The run-selecting statements of one search (page selects and plan-choosing counts), without the run loading. */
async function searchQueries(uri: string, open: OpenSqlDialect, experimentId: string, c: SearchCase) {
  const recording = await recordingDb(uri, open);
  try {
    await searchRuns(
      { metadata: { db: recording.db, dialect: recording.dialect } },
      { experimentIds: [experimentId], filter: c.filter, orderBy: c.orderBy, maxResults: 100 },
    );
    const wanted = recording.queries.filter((q) => /\bfrom\s+(runs r|\(select|latest_metrics o)/i.test(q.sql));
    return { ...recording, wanted };
  } catch (error) {
    await recording.db.destroy();
    throw error;
  }
}

async function explain(db: Kysely<Database>, dialect: DialectName, query: CompiledQuery): Promise<string[]> {
  const prefix = dialect === 'sqlite' ? 'explain query plan ' : 'explain (analyze, costs off) ';
  const { rows } = await db.executeQuery<Record<string, unknown>>({
    ...query,
    sql: `${prefix}${query.sql}`,
  } as CompiledQuery<Record<string, unknown>>);
  if (dialect === 'sqlite') return rows.map((row) => `${'  '.repeat(depthOf(row, rows))}${String(row.detail)}`);
  return rows.map((row) => String(row['QUERY PLAN']));
}

/** Indentation of an EXPLAIN QUERY PLAN row: how many parents it has. */
function depthOf(row: Record<string, unknown>, rows: readonly Record<string, unknown>[]): number {
  let depth = 0;
  let parent = row.parent;
  while (parent !== 0 && parent !== undefined) {
    const up = rows.find((r) => r.id === parent);
    if (up === undefined) break;
    depth++;
    parent = up.parent;
  }
  return depth;
}

async function plansOf(uri: string, open: OpenSqlDialect, experimentId: string, c: SearchCase): Promise<string[]> {
  const { db, wanted, dialect } = await searchQueries(uri, open, experimentId, c);
  try {
    const lines: string[] = [];
    for (const query of wanted) {
      lines.push(`-- ${query.sql.replace(/\s+/g, ' ').slice(0, 160)}…`, ...(await explain(db, dialect, query)));
    }
    return lines;
  } finally {
    await db.destroy();
  }
}

/** p50 in ms of the search use case in-process (no HTTP), after 3 warm-up calls. */
async function useCaseP50(uri: string, experimentId: string, c: SearchCase, reps: number): Promise<number> {
  const store = await openMetadata(uri);
  try {
    const run = () =>
      searchRuns(
        { metadata: store },
        { experimentIds: [experimentId], filter: c.filter, orderBy: c.orderBy, maxResults: 100 },
      );
    for (let i = 0; i < 3; i++) await run();
    const ms: number[] = [];
    for (let i = 0; i < reps; i++) ms.push((await seconds(run)) * 1000);
    return median(ms);
  } finally {
    await store.close();
  }
}

const block = (title: string, lines: readonly string[]) => [`${title}`, '', '```', ...lines, '```'].join('\n');

/**
 * Plans of every search case on the SQLite file, and, when a PostgreSQL URL is given, the same searches on a
 * fresh schema seeded with the same runs: in-process p50 and EXPLAIN ANALYZE. The schema is dropped afterwards.
 */
export async function searchPlans(
  dbPath: string,
  experimentId: string,
  cases: (experimentId: string) => SearchCase[],
  pgUrl: string | undefined,
  reps: number,
  shape: SeedShape,
): Promise<PlanReport> {
  const sqlite = await import('../src/storage/metadata/dialects/sqlite.js');
  const parts: string[] = ['### Search plans'];
  const [first] = cases(experimentId);
  if (first !== undefined) {
    const lines = await plansOf(`sqlite://${dbPath}`, sqlite.openDialect, experimentId, first);
    parts.push(block(`SQLite, ${first.label} (EXPLAIN QUERY PLAN of each statement the search runs):`, lines));
  }
  if (pgUrl !== undefined) parts.push(await postgresPart(pgUrl, cases, reps, shape));
  return { markdown: parts.join('\n\n') };
}

async function postgresPart(
  pgUrl: string,
  cases: (experimentId: string) => SearchCase[],
  reps: number,
  shape: SeedShape,
): Promise<string> {
  const postgres = await import('../src/storage/metadata/dialects/postgres.js');
  const url = new URL(pgUrl);
  const schema = `slipway_bench_${randomBytes(4).toString('hex')}`;
  url.searchParams.set('schema', schema);
  const uri = url.toString();
  const store = await openMetadata(uri);
  try {
    const { experimentId } = await createExperiment({ metadata: store }, { name: 'bench-search' });
    const took = await seconds(() => seedPostgresRuns(store.db, Number(experimentId), shape));
    console.log(`postgres: seeded ${shape.runs} runs in ${took.toFixed(1)} s`);
    const rows: string[] = [];
    const plans: string[] = [];
    for (const c of cases(experimentId)) {
      const p50 = await useCaseP50(uri, experimentId, c, reps);
      console.log(`postgres search ${c.label}: use case p50 ${p50.toFixed(1)} ms`);
      rows.push(`| ${c.label} | ${p50.toFixed(1)} |`);
      plans.push(block(`${c.label}:`, await plansOf(uri, postgres.openDialect, experimentId, c)));
    }
    return [
      `PostgreSQL (${shape.runs.toLocaleString('en-US')} runs seeded the same way, then ANALYZE; the search use case in-process, no HTTP):`,
      '',
      '| Search | use case p50 ms |',
      '| --- | ---: |',
      ...rows,
      '',
      'EXPLAIN ANALYZE of the statements each search runs:',
      '',
      ...plans,
    ].join('\n');
  } finally {
    await sql`drop schema ${sql.id(schema)} cascade`.execute(store.db).catch(() => undefined);
    await store.close();
  }
}
