import { CompiledQuery, type Insertable, sql } from 'kysely';
import type { MetricsTable } from '../schema.js';
import { type Db, idChunks, pushTo, rowChunks } from './db.js';

/** A metric point as the store takes and returns it: `value` may be NaN or ±Infinity. */
export interface MetricPoint {
  readonly key: string;
  readonly value: number;
  readonly timestamp: number;
  readonly step: number;
}

/** Where a page of history ends: the last point's position in (step, timestamp, stored value, is_nan) order. */
export interface HistoryPosition {
  readonly step: number;
  readonly timestamp: number;
  /** The stored value (0 for NaN), never NaN itself. */
  readonly value: number;
  readonly isNan: boolean;
}

interface StoredValue {
  readonly value: number;
  readonly is_nan: number;
}

/** NaN is stored as 0 with is_nan = 1 (neither dialect keeps NaN in a double column); infinities as they are. */
const store = (value: number): StoredValue => (Number.isNaN(value) ? { value: 0, is_nan: 1 } : { value, is_nan: 0 });
const load = (row: StoredValue): number => (row.is_nan ? Number.NaN : row.value);

/** MLflow's rule for the latest point: the greatest (step, timestamp, value), NaN counting as 0. */
export function isLater(a: MetricPoint, b: MetricPoint): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return store(a.value).value > store(b.value).value;
}

/**
 * The latest point of each key among `points`, in key order: concurrent upserts then lock latest_metrics rows in
 * the same order, so two batches for one run never deadlock on PostgreSQL.
 */
export function latestByKey(points: readonly MetricPoint[]): MetricPoint[] {
  const latest = new Map<string, MetricPoint>();
  for (const point of points) {
    const current = latest.get(point.key);
    if (current === undefined || isLater(point, current)) latest.set(point.key, point);
  }
  return [...latest.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Appends points to the history in multi-row INSERTs; a point identical to a stored one is skipped (as MLflow). */
export async function insertMetrics(db: Db, runUuid: string, points: readonly MetricPoint[]): Promise<void> {
  for (const rows of rowChunks(points, METRIC_COLUMNS.length)) {
    const parameters: unknown[] = [];
    for (const p of rows) {
      const { value, is_nan } = store(p.value);
      parameters.push(runUuid, p.key, value, p.timestamp, p.step, is_nan);
    }
    await db.executeQuery(CompiledQuery.raw(insertMetricsSql(db, rows.length), parameters));
  }
}

/** Column order of insertMetricsSql's parameters. */
const METRIC_COLUMNS = ['run_uuid', 'key', 'value', 'timestamp', 'step', 'is_nan'] as const;
const insertSqlCache = new Map<string, string>();

/**
 * The SQL of a `rows`-row metrics INSERT, compiled by Kysely once per dialect and row count: building the query
 * tree for 6000 values costs more than running it. The dialect is told apart by a probe query's text.
 */
function insertMetricsSql(db: Db, rows: number): string {
  const dialect = db.selectFrom('metrics').select('key').where('key', '=', '').compile().sql;
  const cacheKey = `${rows}|${dialect}`;
  const cached = insertSqlCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const row = Object.fromEntries(
    METRIC_COLUMNS.map((column) => [column, column === 'run_uuid' || column === 'key' ? '' : 0]),
  );
  const sample = Array.from({ length: rows }, () => row as Insertable<MetricsTable>);
  const text = db
    .insertInto('metrics')
    .values(sample)
    .onConflict((conflict) => conflict.doNothing())
    .compile().sql;
  if (insertSqlCache.size >= 64) insertSqlCache.clear();
  insertSqlCache.set(cacheKey, text);
  return text;
}

/**
 * Raises latest_metrics to these points where they are later than the stored ones (or there is none), in one
 * upsert per chunk. Keys must be distinct: pass `latestByKey(points)`.
 */
export async function upsertLatestMetrics(db: Db, runUuid: string, latest: readonly MetricPoint[]): Promise<void> {
  for (const rows of rowChunks(latest, 6)) {
    await db
      .insertInto('latest_metrics')
      .values(
        rows.map((p) => ({ run_uuid: runUuid, key: p.key, timestamp: p.timestamp, step: p.step, ...store(p.value) })),
      )
      .onConflict((conflict) =>
        conflict
          .columns(['run_uuid', 'key'])
          .doUpdateSet((eb) => ({
            value: eb.ref('excluded.value'),
            timestamp: eb.ref('excluded.timestamp'),
            step: eb.ref('excluded.step'),
            is_nan: eb.ref('excluded.is_nan'),
          }))
          .where(
            sql<boolean>`(excluded.step, excluded.timestamp, excluded.value) > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)`,
          ),
      )
      .execute();
  }
}

/** The latest point of every metric of each run, by run id, in key order. */
export async function selectLatestMetrics(db: Db, runUuids: readonly string[]): Promise<Map<string, MetricPoint[]>> {
  const byRun = new Map<string, MetricPoint[]>();
  for (const ids of idChunks(runUuids)) {
    const rows = await db
      .selectFrom('latest_metrics')
      .select(['run_uuid', 'key', 'value', 'timestamp', 'step', 'is_nan'])
      .where('run_uuid', 'in', ids)
      .orderBy('run_uuid')
      .orderBy('key')
      .execute();
    for (const row of rows) {
      pushTo(byRun, row.run_uuid, { key: row.key, value: load(row), timestamp: row.timestamp, step: row.step });
    }
  }
  return byRun;
}

/** A page of history: the points, and where the last one sits (for the next page's `after`). */
export interface HistorySlice {
  readonly points: MetricPoint[];
  readonly last?: HistoryPosition | undefined;
}

/**
 * Up to `limit` points of one metric after `after`, in (step, timestamp, value) order: the primary key's order.
 * The key is not read back (it is the one asked for) and each row becomes one point object: a page is 25,000
 * rows, and reading the key text and copying rows twice cost a third of the time.
 */
export async function selectMetricHistory(
  db: Db,
  query: { runUuid: string; key: string; after?: HistoryPosition | undefined; limit: number },
  selectArrays?: (query: CompiledQuery) => Promise<unknown[][]>,
): Promise<HistorySlice> {
  const { after, key } = query;
  const select = db
    .selectFrom('metrics')
    .select(['value', 'timestamp', 'step', 'is_nan'])
    .where('run_uuid', '=', query.runUuid)
    .where('key', '=', key)
    .$if(after !== undefined, (qb) =>
      qb.where((eb) =>
        eb(
          eb.refTuple('step', 'timestamp', 'value', 'is_nan'),
          '>',
          eb.tuple(after?.step ?? 0, after?.timestamp ?? 0, after?.value ?? 0, after?.isNan ? 1 : 0),
        ),
      ),
    )
    .orderBy('step')
    .orderBy('timestamp')
    .orderBy('value')
    .orderBy('is_nan')
    .limit(query.limit);
  if (selectArrays !== undefined) return historyFromArrays(key, await selectArrays(select.compile()));
  const rows = await select.execute();
  const points: MetricPoint[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as (typeof rows)[number];
    points[i] = { key, value: load(row), timestamp: row.timestamp, step: row.step };
  }
  const end = rows.at(-1);
  const last = end && { step: end.step, timestamp: end.timestamp, value: end.value, isNan: end.is_nan === 1 };
  return { points, last };
}

/** The same slice from rows read as [value, timestamp, step, is_nan] arrays (no object per row until the point). */
function historyFromArrays(key: string, rows: unknown[][]): HistorySlice {
  const points: MetricPoint[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const [value, timestamp, step, isNan] = rows[i] as [number, number, number, number];
    points[i] = { key, value: isNan ? Number.NaN : value, timestamp, step };
  }
  const end = rows.at(-1) as [number, number, number, number] | undefined;
  const last = end && { step: end[2], timestamp: end[1], value: end[0], isNan: end[3] === 1 };
  return { points, last };
}
