import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { FilterClause, OrderByTerm } from '../../domain/search/filter-ast.js';
import type { LifecycleStage } from '../../storage/metadata/schema.js';
import type { DialectName } from '../../storage/metadata/sql-dialect.js';
import { runFilterConditions } from './run-filter-sql.js';
import { termOrderItems, tieBreakerItems } from './run-order-sql.js';
import { numberPredicate } from './sql-predicates.js';

/** What one run search asks for, parsed and resolved. */
export interface RunSearch {
  readonly experimentIds: readonly number[];
  readonly stages: readonly LifecycleStage[];
  readonly clauses: readonly FilterClause[];
  readonly orderBy: readonly OrderByTerm[];
}

/**
 * A slice of the ordered results: FROM, WHERE and ORDER BY of one SELECT that has `runs as r` in it. Laid end to
 * end, a plan's segments give every match exactly once, in order. Identifiers are constants; values parameters.
 */
export interface Segment {
  readonly from: RawBuilder<unknown>;
  readonly where: readonly RawBuilder<SqlBool>[];
  readonly order: readonly RawBuilder<unknown>[];
}

const idList = (search: RunSearch) => sql.join(search.experimentIds.map((id) => sql`${id}`));
const stageList = (search: RunSearch) => sql.join(search.stages.map((stage) => sql`${stage}`));

/** The experiments and lifecycle stages searched. */
export function baseConditions(search: RunSearch): RawBuilder<SqlBool>[] {
  return [
    sql<SqlBool>`r.experiment_id in (${idList(search)})`,
    sql<SqlBool>`r.lifecycle_stage in (${stageList(search)})`,
  ];
}

/** `select 1 from runs r where <experiments and stages>`: for counting candidate runs. */
export const candidateRuns = (search: RunSearch) =>
  sql`select 1 from runs r where r.experiment_id in (${idList(search)}) and r.lifecycle_stage in (${stageList(search)})`;

const fullOrder = (search: RunSearch, dialect: DialectName) => [
  ...search.orderBy.flatMap((term) => termOrderItems(term, dialect)),
  ...tieBreakerItems(search.orderBy, dialect),
];

/** Every run of the experiments, filtered and sorted in one query. */
export function runsSegment(search: RunSearch, dialect: DialectName): Segment {
  return {
    from: sql`runs r`,
    where: [...baseConditions(search), ...runFilterConditions(search.clauses, sql.ref('r.run_uuid'), dialect)],
    order: fullOrder(search, dialect),
  };
}

/** The latest_metrics rows a metric clause selects through the (key, is_nan, value) index; NaN never matches. */
export function metricClauseRows(clause: FilterClause): RawBuilder<unknown> {
  const value = clause.value.kind === 'number' ? clause.value.value : Number.NaN;
  const match = numberPredicate(sql.ref('c.value'), clause.op, value);
  return sql`select c.run_uuid from latest_metrics c where c.key = ${clause.key} and c.is_nan = 0 and ${match}`;
}

/**
 * Runs reached from the few rows one selective metric clause matches (CROSS JOIN keeps SQLite from reordering),
 * then filtered and sorted as usual. `clause.op` is one of = < <= > >= (checked by the caller).
 */
export function candidateSegment(search: RunSearch, clause: FilterClause, dialect: DialectName): Segment {
  return {
    from: sql`(${metricClauseRows(clause)}) k cross join runs r`,
    where: [
      sql<SqlBool>`r.run_uuid = k.run_uuid`,
      ...baseConditions(search),
      ...runFilterConditions(search.clauses, sql.ref('r.run_uuid'), dialect),
    ],
    order: fullOrder(search, dialect),
  };
}

/**
 * Ordered by a metric first: runs with a number for it, walked in order along the metric's index; then runs
 * where it is NaN; then runs without it. Filters correlate on `o.run_uuid`, so they run before the run row is read.
 */
export function metricSegments(search: RunSearch, dialect: DialectName): Segment[] {
  const [first, ...rest] = search.orderBy;
  if (first === undefined) return [runsSegment(search, dialect)];
  const tail = [...rest.flatMap((term) => termOrderItems(term, dialect)), ...tieBreakerItems(search.orderBy, dialect)];
  const driven = (isNan: number): Segment => ({
    from: sql`latest_metrics o cross join runs r`,
    where: [
      sql<SqlBool>`o.key = ${first.key}`,
      sql<SqlBool>`o.is_nan = ${isNan}`,
      sql<SqlBool>`r.run_uuid = o.run_uuid`,
      ...baseConditions(search),
      ...runFilterConditions(search.clauses, sql.ref('o.run_uuid'), dialect),
    ],
    // o.value is NOT NULL: no NULLS clause, so PostgreSQL can walk the ascending index backwards for DESC.
    order: isNan === 0 ? [first.ascending ? sql`o.value asc` : sql`o.value desc`, ...tail] : tail,
  });
  const missing: Segment = {
    from: sql`runs r`,
    where: [
      ...baseConditions(search),
      sql<SqlBool>`not exists (select 1 from latest_metrics x where x.run_uuid = r.run_uuid and x.key = ${first.key})`,
      ...runFilterConditions(search.clauses, sql.ref('r.run_uuid'), dialect),
    ],
    order: tail,
  };
  return [driven(0), driven(1), missing];
}
