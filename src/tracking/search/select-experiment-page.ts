import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { FilterClause, OrderByTerm } from '../../domain/search/filter-ast.js';
import type { ExperimentRow, LifecycleStage } from '../../storage/metadata/schema.js';
import type { DialectName } from '../../storage/metadata/sql-dialect.js';
import type { Db } from '../../storage/metadata/tracking/db.js';
import { orderItem } from './run-order-sql.js';
import { numberPredicate, stringPredicate } from './sql-predicates.js';

export interface ExperimentPageQuery {
  readonly stages: readonly LifecycleStage[];
  readonly clauses: readonly FilterClause[];
  readonly orderBy: readonly OrderByTerm[];
  readonly offset: number;
  readonly limit: number;
}

/** The experiments column behind each attribute of the experiments grammar (the only names filters reach). */
const COLUMNS: Readonly<Record<string, string>> = {
  name: 'e.name',
  experiment_id: 'e.experiment_id',
  creation_time: 'e.creation_time',
  last_update_time: 'e.last_update_time',
};

function column(key: string): RawBuilder<unknown> {
  const name = COLUMNS[key];
  if (name === undefined) throw new Error(`no experiments column for attribute ${key}`);
  return sql.ref(name);
}

function condition(clause: FilterClause, dialect: DialectName): RawBuilder<SqlBool> {
  const { entity, key, op, value } = clause;
  if (entity === 'tag') {
    const match = stringPredicate(sql.ref('t.value'), op, value, dialect);
    return sql<SqlBool>`exists (select 1 from experiment_tags t where t.experiment_id = e.experiment_id and t.key = ${key} and ${match})`;
  }
  if (value.kind === 'number') return numberPredicate(column(key), op, value.value);
  return stringPredicate(column(key), op, value, dialect);
}

/**
 * MLflow's order: the given terms (default creation_time DESC, experiment_id ASC), then experiment_id DESC as
 * the tie-breaker unless experiment_id was named. Names sort by code point on both dialects.
 */
function orderItems(orderBy: readonly OrderByTerm[], dialect: DialectName): RawBuilder<unknown>[] {
  const terms: readonly OrderByTerm[] =
    orderBy.length > 0
      ? orderBy
      : [
          { entity: 'attribute', key: 'creation_time', ascending: false },
          { entity: 'attribute', key: 'experiment_id', ascending: true },
        ];
  const items = terms.map((term) => orderItem(column(term.key), term.ascending, term.key === 'name', dialect));
  const byId = terms.some((term) => term.key === 'experiment_id');
  return byId ? items : [...items, orderItem(column('experiment_id'), false, false, dialect)];
}

/** One page of matching experiments, in order; every value a bound parameter. */
export async function selectExperimentPage(
  db: Db,
  dialect: DialectName,
  query: ExperimentPageQuery,
): Promise<ExperimentRow[]> {
  if (query.stages.length === 0 || query.limit <= 0) return [];
  const stages = sql.join(query.stages.map((stage) => sql`${stage}`));
  const where = [sql<SqlBool>`e.lifecycle_stage in (${stages})`, ...query.clauses.map((c) => condition(c, dialect))];
  const order = orderItems(query.orderBy, dialect);
  const rows =
    await sql<ExperimentRow>`select e.* from experiments e where ${sql.join(where, sql` and `)} order by ${sql.join(order)} limit ${query.limit} offset ${query.offset}`.execute(
      db,
    );
  return rows.rows;
}
