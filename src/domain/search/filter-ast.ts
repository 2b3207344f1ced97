/**
 * The parsed form of a search filter (MLflow's grammar): a conjunction of comparisons. Entities and keys are
 * canonical (`metrics.acc` and `metric.acc` both become `{entity: 'metric', key: 'acc'}`; `attributes.created`
 * becomes `start_time`), so two filters that mean the same thing parse to equal ASTs.
 */

/** Operators on one value. */
export const SCALAR_OPERATORS = ['=', '!=', '<', '<=', '>', '>=', 'LIKE', 'ILIKE'] as const;
/** Operators on a parenthesized list of strings. */
export const LIST_OPERATORS = ['IN', 'NOT IN'] as const;

export type ScalarOperator = (typeof SCALAR_OPERATORS)[number];
export type ListOperator = (typeof LIST_OPERATORS)[number];
export type FilterOperator = ScalarOperator | ListOperator;

/** Numeric comparisons (metrics, times). */
export const NUMBER_OPERATORS: readonly FilterOperator[] = ['=', '!=', '<', '<=', '>', '>='];
/** String comparisons (params, tags, string attributes). */
export const STRING_OPERATORS: readonly FilterOperator[] = ['=', '!=', 'LIKE', 'ILIKE'];
/** String comparisons plus IN lists (run_id, dataset fields). */
export const STRING_LIST_OPERATORS: readonly FilterOperator[] = [...STRING_OPERATORS, 'IN', 'NOT IN'];

export type FilterValue =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'list'; readonly values: readonly string[] };

/** One `<entity>.<key> <op> <value>` clause. */
export interface FilterClause {
  /** The grammar's canonical entity name: `metric`, `param`, `tag`, `attribute`, `dataset`, … */
  readonly entity: string;
  readonly key: string;
  readonly op: FilterOperator;
  readonly value: FilterValue;
}

/** One `order_by` item. */
export interface OrderByTerm {
  readonly entity: string;
  readonly key: string;
  readonly ascending: boolean;
}
