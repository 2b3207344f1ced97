import { type Expression, type RawBuilder, sql } from 'kysely';
import type { OrderByTerm } from '../../domain/search/filter-ast.js';
import type { DialectName } from '../../storage/metadata/sql-dialect.js';
import { runAttributeColumn } from './run-filter-sql.js';

/**
 * ORDER BY items for run searches, with MLflow's semantics on both dialects: runs without the field sort last in
 * either direction, and for metrics NaN sorts after every number and before "no such metric". Ties end with
 * start_time DESC then run_uuid. Text sorts by code point (PostgreSQL gets COLLATE "C", like SQLite's BINARY).
 */

const NUMERIC_ATTRIBUTES = new Set(['start_time', 'end_time']);

/** `expr [collate "C"] asc|desc nulls last`. */
export function orderItem(expr: Expression<unknown>, ascending: boolean, text: boolean, dialect: DialectName) {
  const collated = text && dialect === 'postgres' ? sql`${expr} collate "C"` : expr;
  return ascending ? sql`${collated} asc nulls last` : sql`${collated} desc nulls last`;
}

/** The latest value of a metric of the current run `r`, or NULL when it has none. */
const metricValue = (key: string) =>
  sql`(select x.value from latest_metrics x where x.run_uuid = r.run_uuid and x.key = ${key})`;

/** 0 for a number, 1 for NaN, 2 when the run has no such metric. */
const metricRank = (key: string) =>
  sql`coalesce((select x.is_nan from latest_metrics x where x.run_uuid = r.run_uuid and x.key = ${key}), 2)`;

const textValue = (table: 'params' | 'run_tags', key: string) =>
  table === 'params'
    ? sql`(select x.value from params x where x.run_uuid = r.run_uuid and x.key = ${key})`
    : sql`(select x.value from run_tags x where x.run_uuid = r.run_uuid and x.key = ${key})`;

/** The items one order_by term contributes, for a query over `runs as r`. */
export function termOrderItems(term: OrderByTerm, dialect: DialectName): RawBuilder<unknown>[] {
  const { entity, key, ascending } = term;
  switch (entity) {
    case 'metric':
      return [sql`${metricRank(key)} asc`, orderItem(metricValue(key), ascending, false, dialect)];
    case 'param':
      return [orderItem(textValue('params', key), ascending, true, dialect)];
    case 'tag':
      return [orderItem(textValue('run_tags', key), ascending, true, dialect)];
    case 'attribute':
      return [orderItem(runAttributeColumn(key), ascending, !NUMERIC_ATTRIBUTES.has(key), dialect)];
    default:
      throw new Error(`runs cannot be ordered by entity ${entity}`);
  }
}

/** MLflow's tie-breakers: start_time DESC unless ordered by it already, then run_uuid. */
export function tieBreakerItems(terms: readonly OrderByTerm[], dialect: DialectName): RawBuilder<unknown>[] {
  const byStartTime = terms.some((term) => term.entity === 'attribute' && term.key === 'start_time');
  const runUuid = orderItem(sql.ref('r.run_uuid'), true, true, dialect);
  return byStartTime ? [runUuid] : [orderItem(sql.ref('r.start_time'), false, false, dialect), runUuid];
}
