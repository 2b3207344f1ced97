import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { FilterOperator, FilterValue } from '../../domain/search/filter-ast.js';
import { LIKE_ESCAPE, likeToGlob } from '../../domain/search/like-pattern.js';
import type { DialectName } from '../../storage/metadata/sql-dialect.js';

/**
 * Comparisons of one column with a filter value, as SQL with every value bound as a parameter. The operator
 * only selects one of these fixed fragments; no text from a filter ever reaches the SQL string.
 */

const COMPARATORS: Readonly<Record<string, RawBuilder<unknown>>> = {
  '=': sql.raw('='),
  '!=': sql.raw('<>'),
  '<': sql.raw('<'),
  '<=': sql.raw('<='),
  '>': sql.raw('>'),
  '>=': sql.raw('>='),
};

function comparator(op: FilterOperator): RawBuilder<unknown> {
  const raw = COMPARATORS[op];
  if (raw === undefined) throw new Error(`no SQL comparator for ${op}`);
  return raw;
}

/**
 * A number as a parameter. Integer columns (times) on PostgreSQL refuse a fractional or huge parameter, so
 * anything but a safe integer is cast to double precision, which compares with both integers and doubles.
 */
export function numberParameter(value: number): RawBuilder<number> {
  return Number.isSafeInteger(value) ? sql<number>`${value}` : sql<number>`cast(${value} as double precision)`;
}

/** `column <op> value` for numeric columns. */
export function numberPredicate(column: Expression<unknown>, op: FilterOperator, value: number): RawBuilder<SqlBool> {
  return sql<SqlBool>`${column} ${comparator(op)} ${numberParameter(value)}`;
}

/**
 * `column <op> value` for text columns: = and != are exact; LIKE is case-sensitive and ILIKE case-insensitive on
 * both dialects (SQLite's own LIKE ignores ASCII case, so LIKE becomes GLOB there); `\` escapes `%` and `_`.
 */
export function stringPredicate(
  column: Expression<unknown>,
  op: FilterOperator,
  value: FilterValue,
  dialect: DialectName,
): RawBuilder<SqlBool> {
  if (value.kind === 'list') {
    const list = sql.join(value.values.map((item) => sql`${item}`));
    return op === 'NOT IN' ? sql<SqlBool>`${column} not in (${list})` : sql<SqlBool>`${column} in (${list})`;
  }
  const text = String(value.value);
  if (op === 'LIKE') return likePredicate(column, text, dialect);
  if (op === 'ILIKE') return ilikePredicate(column, text, dialect);
  return sql<SqlBool>`${column} ${comparator(op)} ${text}`;
}

function likePredicate(column: Expression<unknown>, pattern: string, dialect: DialectName): RawBuilder<SqlBool> {
  if (dialect === 'sqlite') return sql<SqlBool>`${column} glob ${likeToGlob(pattern)}`;
  return sql<SqlBool>`${column} like ${pattern} escape ${LIKE_ESCAPE}`;
}

function ilikePredicate(column: Expression<unknown>, pattern: string, dialect: DialectName): RawBuilder<SqlBool> {
  if (dialect === 'sqlite') return sql<SqlBool>`lower(${column}) like lower(${pattern}) escape ${LIKE_ESCAPE}`;
  return sql<SqlBool>`${column} ilike ${pattern} escape ${LIKE_ESCAPE}`;
}
