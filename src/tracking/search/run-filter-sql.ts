import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { FilterClause } from '../../domain/search/filter-ast.js';
import type { DialectName } from '../../storage/metadata/sql-dialect.js';
import { numberPredicate, stringPredicate } from './sql-predicates.js';

/** The runs column behind each searchable attribute of the runs grammar (the only column names filters reach). */
export const RUN_ATTRIBUTE_COLUMNS: Readonly<Record<string, string>> = {
  run_id: 'r.run_uuid',
  run_name: 'r.name',
  user_id: 'r.user_id',
  status: 'r.status',
  artifact_uri: 'r.artifact_uri',
  start_time: 'r.start_time',
  end_time: 'r.end_time',
};

/** The input tag MLflow stores a dataset's context (`training`, `eval`, …) under. */
export const DATASET_CONTEXT_TAG = 'mlflow.data.context';

export function runAttributeColumn(key: string): Expression<unknown> {
  const column = RUN_ATTRIBUTE_COLUMNS[key];
  if (column === undefined) throw new Error(`no runs column for attribute ${key}`);
  return sql.ref(column);
}

/**
 * `<table> <alias>`, on SQLite with the covering (run_uuid, key, …) index named (migrations 0004 and 0007). Without
 * statistics SQLite probes the unique (run_uuid, key) primary key instead, then reads the table row for the value:
 * two b-tree searches per run where the covering index takes one, for every run a search walks past.
 */
const SQLITE_COVERING: Readonly<Record<string, RawBuilder<unknown>>> = {
  latest_metrics: sql`latest_metrics m indexed by latest_metrics_run_key_nan_value_idx`,
  params: sql`params p indexed by params_run_key_value_idx`,
  run_tags: sql`run_tags t indexed by run_tags_run_key_value_idx`,
};
const PLAIN: Readonly<Record<string, RawBuilder<unknown>>> = {
  latest_metrics: sql`latest_metrics m`,
  params: sql`params p`,
  run_tags: sql`run_tags t`,
};

const probed = (table: 'latest_metrics' | 'params' | 'run_tags', dialect: DialectName): RawBuilder<unknown> =>
  (dialect === 'sqlite' ? SQLITE_COVERING : PLAIN)[table] ?? sql.raw(table);

/**
 * One SQL condition per filter clause, over `runs as r`. Metric, param, tag and dataset clauses are EXISTS
 * subqueries correlated on `runId` (r.run_uuid, or the run id column of the table driving the query, so they
 * can be checked before the run row is read). Metrics compare the latest value, IEEE-style: NaN matches only !=.
 */
export function runFilterConditions(
  clauses: readonly FilterClause[],
  runId: Expression<unknown>,
  dialect: DialectName,
): RawBuilder<SqlBool>[] {
  return clauses.map((clause) => runFilterCondition(clause, runId, dialect));
}

function runFilterCondition(
  clause: FilterClause,
  runId: Expression<unknown>,
  dialect: DialectName,
): RawBuilder<SqlBool> {
  const { entity, key, op, value } = clause;
  switch (entity) {
    case 'metric':
      return metricCondition(runId, clause, dialect);
    case 'param':
      return sql<SqlBool>`exists (select 1 from ${probed('params', dialect)} where p.run_uuid = ${runId} and p.key = ${key} and ${stringPredicate(sql.ref('p.value'), op, value, dialect)})`;
    case 'tag':
      return sql<SqlBool>`exists (select 1 from ${probed('run_tags', dialect)} where t.run_uuid = ${runId} and t.key = ${key} and ${stringPredicate(sql.ref('t.value'), op, value, dialect)})`;
    case 'attribute':
      return value.kind === 'number'
        ? numberPredicate(runAttributeColumn(key), op, value.value)
        : stringPredicate(runAttributeColumn(key), op, value, dialect);
    case 'dataset':
      return datasetCondition(clause, runId, dialect);
    default:
      throw new Error(`no SQL for search entity ${entity}`);
  }
}

function metricCondition(runId: Expression<unknown>, clause: FilterClause, dialect: DialectName) {
  const { key, op } = clause;
  const value = clause.value.kind === 'number' ? clause.value.value : Number.NaN;
  const compare =
    op === '!='
      ? sql<SqlBool>`(m.is_nan = 1 or ${numberPredicate(sql.ref('m.value'), op, value)})`
      : sql<SqlBool>`m.is_nan = 0 and ${numberPredicate(sql.ref('m.value'), op, value)}`;
  return sql<SqlBool>`exists (select 1 from ${probed('latest_metrics', dialect)} where m.run_uuid = ${runId} and m.key = ${key} and ${compare})`;
}

/** A run matches when one of its dataset inputs matches (as MLflow: `!=` means "has another dataset"). */
function datasetCondition(clause: FilterClause, runId: Expression<unknown>, dialect: DialectName): RawBuilder<SqlBool> {
  const inputsOfRun = sql`i.destination_type = 'RUN' and i.destination_id = ${runId} and i.source_type = 'DATASET'`;
  if (clause.key === 'context') {
    const match = stringPredicate(sql.ref('it.value'), clause.op, clause.value, dialect);
    return sql<SqlBool>`exists (select 1 from inputs i join input_tags it on it.input_uuid = i.input_uuid where ${inputsOfRun} and it.name = ${DATASET_CONTEXT_TAG} and ${match})`;
  }
  const column = clause.key === 'name' ? sql.ref('d.name') : sql.ref('d.digest');
  const match = stringPredicate(column, clause.op, clause.value, dialect);
  return sql<SqlBool>`exists (select 1 from inputs i join datasets d on d.dataset_uuid = i.source_id where ${inputsOfRun} and ${match})`;
}
