import { type RawBuilder, sql } from 'kysely';
import type { FilterClause } from '../../domain/search/filter-ast.js';
import type { RunRow } from '../../storage/metadata/schema.js';
import type { DialectName } from '../../storage/metadata/sql-dialect.js';
import type { Db } from '../../storage/metadata/tracking/db.js';
import {
  candidateRuns,
  candidateSegment,
  metricClauseRows,
  metricSegments,
  type RunSearch,
  runsSegment,
  type Segment,
} from './run-page-segments.js';

export interface RunPageQuery extends RunSearch {
  readonly offset: number;
  readonly limit: number;
  /** Forces a plan (tests compare them); by default it is chosen by counting. */
  readonly plan?: RunPlan | undefined;
}

/**
 * `sorted`: read the experiments' runs, filter, sort. `metric-index`: walk the first order key's index.
 * `candidates`: start from the rows of the most selective metric filter (falls back to `sorted` without one).
 */
export type RunPlan = 'sorted' | 'metric-index' | 'candidates';

/**
 * Plans are chosen by counting, never more than this many index entries: a metric clause that matches fewer rows
 * drives the search from them; a metric-first order over at least this many runs walks the metric's index.
 */
export const SMALL_SEARCH_ROWS = 2000;

const RANGE_OPERATORS = new Set(['=', '<', '<=', '>', '>=']);

/**
 * One page of matching runs, in order (MLflow's order; see run-order-sql.ts). The plan: read the runs a run_id
 * clause names; else drive from a selective metric clause when there is one; else, ordered by a metric over many
 * runs, walk that metric's index and stop after a page; else read the experiments' runs, filter and sort.
 */
export async function selectRunPage(db: Db, dialect: DialectName, query: RunPageQuery): Promise<RunRow[]> {
  if (query.experimentIds.length === 0 || query.stages.length === 0 || query.limit <= 0) return [];
  return pageAcross(db, await planSegments(db, dialect, query), query.offset, query.limit);
}

async function planSegments(db: Db, dialect: DialectName, query: RunPageQuery): Promise<Segment[]> {
  const { plan, clause } = await choosePlan(db, query);
  if (plan === 'candidates' && clause !== undefined) return [candidateSegment(query, clause, dialect)];
  return plan === 'metric-index' ? metricSegments(query, dialect) : [runsSegment(query, dialect)];
}

async function choosePlan(db: Db, query: RunPageQuery): Promise<{ plan: RunPlan; clause?: FilterClause | undefined }> {
  if (query.plan === 'candidates') {
    return { plan: 'candidates', clause: await mostSelectiveClause(db, query.clauses, Number.MAX_SAFE_INTEGER) };
  }
  if (query.plan !== undefined) return { plan: query.plan };
  if (query.clauses.some(namesRuns)) return { plan: 'sorted' };
  const clause = await mostSelectiveClause(db, query.clauses, SMALL_SEARCH_ROWS);
  if (clause !== undefined) return { plan: 'candidates', clause };
  if (query.orderBy[0]?.entity !== 'metric') return { plan: 'sorted' };
  const runs = await countUpTo(db, candidateRuns(query), SMALL_SEARCH_ROWS);
  return { plan: runs >= SMALL_SEARCH_ROWS ? 'metric-index' : 'sorted' };
}

/** `run_id = …` or `run_id IN (…)`: a few runs found by primary key, cheapest to read and sort. */
const namesRuns = (clause: FilterClause) =>
  clause.entity === 'attribute' && clause.key === 'run_id' && (clause.op === '=' || clause.op === 'IN');

/** The metric range clause matching the fewest rows, if fewer than `limit` (each count stops at `limit`). */
async function mostSelectiveClause(db: Db, clauses: readonly FilterClause[], limit: number) {
  let best: { clause: FilterClause; rows: number } | undefined;
  for (const clause of clauses) {
    if (clause.entity !== 'metric' || !RANGE_OPERATORS.has(clause.op)) continue;
    const rows = await countUpTo(db, metricClauseRows(clause), Math.min(limit, best?.rows ?? limit));
    if (rows < (best?.rows ?? limit)) best = { clause, rows };
  }
  return best?.clause;
}

/** How many rows `query` returns, counting no further than `limit`. */
async function countUpTo(db: Db, query: RawBuilder<unknown>, limit: number): Promise<number> {
  if (!Number.isSafeInteger(limit) || limit <= 0) return 0;
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from (${query} limit ${limit}) c`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** `limit` rows from `offset` of the segments laid end to end; counts a segment only when a page starts past it. */
async function pageAcross(db: Db, segments: readonly Segment[], offset: number, limit: number): Promise<RunRow[]> {
  const rows: RunRow[] = [];
  let skip = offset;
  for (const segment of segments) {
    if (rows.length >= limit) break;
    const got = await selectSegment(db, segment, skip, limit - rows.length);
    rows.push(...got);
    if (got.length > 0) skip = 0;
    else if (skip > 0) skip = Math.max(0, skip - (await countSegment(db, segment)));
  }
  return rows;
}

const whereClause = (segment: Segment) => sql.join(segment.where, sql` and `);

async function selectSegment(db: Db, segment: Segment, offset: number, limit: number): Promise<RunRow[]> {
  const query = sql<RunRow>`select r.* from ${segment.from} where ${whereClause(segment)} order by ${sql.join(segment.order)} limit ${limit} offset ${offset}`;
  return (await query.execute(db)).rows;
}

async function countSegment(db: Db, segment: Segment): Promise<number> {
  const query = sql<{ n: number | string }>`select count(*) as n from ${segment.from} where ${whereClause(segment)}`;
  return Number((await query.execute(db)).rows[0]?.n ?? 0);
}
