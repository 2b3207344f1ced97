import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { FilterClause, OrderByTerm } from '../../domain/search/filter-ast.js';
import type { ModelVersionRow, RegisteredModelRow } from '../../storage/metadata/schema.js';
import type { DialectName } from '../../storage/metadata/sql-dialect.js';
import type { Db } from '../../storage/metadata/tracking/db.js';
import { orderItem } from '../../tracking/search/run-order-sql.js';
import { numberPredicate, stringPredicate } from '../../tracking/search/sql-predicates.js';
import { SEMVER_TAG } from '../types.js';

export interface RegistryPageQuery {
  readonly clauses: readonly FilterClause[];
  readonly orderBy: readonly OrderByTerm[];
  readonly offset: number;
  readonly limit: number;
}

/** The column behind each attribute of the registry grammars: the only names a filter or order_by reaches. */
const COLUMNS: Readonly<Record<string, string>> = {
  name: 'm.name',
  creation_timestamp: 'x.creation_time',
  last_updated_timestamp: 'x.last_updated_time',
  run_id: 'v.run_id',
  source_path: 'v.source',
  version_number: 'v.version',
};

function column(key: string, table: 'm' | 'v'): RawBuilder<unknown> {
  const name = COLUMNS[key];
  if (name === undefined) throw new Error(`no registry column for attribute ${key}`);
  return sql.ref(name.replace(/^x\./, `${table}.`));
}

function tagCondition(clause: FilterClause, table: 'm' | 'v', dialect: DialectName): RawBuilder<SqlBool> {
  if (table === 'v' && clause.key === SEMVER_TAG)
    return stringPredicate(sql.ref('v.semver'), clause.op, clause.value, dialect);
  const match = stringPredicate(sql.ref('t.value'), clause.op, clause.value, dialect);
  return table === 'm'
    ? sql<SqlBool>`exists (select 1 from registered_model_tags t where t.model_id = m.model_id and t.key = ${clause.key} and ${match})`
    : sql<SqlBool>`exists (select 1 from model_version_tags t where t.model_id = v.model_id and t.version = v.version and t.key = ${clause.key} and ${match})`;
}

function condition(clause: FilterClause, table: 'm' | 'v', dialect: DialectName): RawBuilder<SqlBool> {
  if (clause.entity === 'tag') return tagCondition(clause, table, dialect);
  const target = column(clause.key, table);
  if (clause.value.kind === 'number') return numberPredicate(target, clause.op, clause.value.value);
  return stringPredicate(target, clause.op, clause.value, dialect);
}

function orderItems(
  terms: readonly OrderByTerm[],
  table: 'm' | 'v',
  fallback: readonly OrderByTerm[],
  dialect: DialectName,
) {
  const named = new Set(terms.map((term) => term.key));
  const all = [...terms, ...fallback.filter((term) => !named.has(term.key))];
  return all.map((term) => orderItem(column(term.key, table), term.ascending, term.key === 'name', dialect));
}

const where = (clauses: readonly FilterClause[], table: 'm' | 'v', dialect: DialectName, base: RawBuilder<SqlBool>) =>
  sql.join([base, ...clauses.map((clause) => condition(clause, table, dialect))], sql` and `);

/** MLflow's order for registered models: the given terms, then name ASC. */
export async function selectModelPage(db: Db, dialect: DialectName, query: RegistryPageQuery) {
  const order = orderItems(query.orderBy, 'm', [{ entity: 'attribute', key: 'name', ascending: true }], dialect);
  const result = await sql<RegisteredModelRow>`select m.* from registered_models m
    where ${where(query.clauses, 'm', dialect, sql<SqlBool>`1 = 1`)}
    order by ${sql.join(order)}, m.model_id limit ${query.limit} offset ${query.offset}`.execute(db);
  return result.rows;
}

/** MLflow's order for model versions: the given terms, then name ASC, version DESC. Live versions only. */
export async function selectVersionPage(db: Db, dialect: DialectName, query: RegistryPageQuery) {
  const fallback: OrderByTerm[] = [
    { entity: 'attribute', key: 'name', ascending: true },
    { entity: 'attribute', key: 'version_number', ascending: false },
  ];
  const order = orderItems(query.orderBy, 'v', fallback, dialect);
  const result = await sql<ModelVersionRow & { readonly model_name: string }>`select v.*, m.name as model_name
    from model_versions v join registered_models m on m.model_id = v.model_id
    where ${where(query.clauses, 'v', dialect, sql<SqlBool>`v.deleted_time is null`)}
    order by ${sql.join(order)}, v.model_id limit ${query.limit} offset ${query.offset}`.execute(db);
  return result.rows;
}
