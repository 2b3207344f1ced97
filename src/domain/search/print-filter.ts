import type { FilterClause, FilterValue, OrderByTerm } from './filter-ast.js';
import type { FilterGrammar } from './filter-grammar.js';

const BARE_KEY = /^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*$/;

/** A string literal the tokenizer reads back as `value`. */
export function quoteString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/** `prefix.key`, with the key in backticks unless it is a plain dotted word. */
export function printName(grammar: FilterGrammar, entity: string, key: string): string {
  const prefix = grammar.entities[entity]?.prefixes[0] ?? entity;
  const shown = BARE_KEY.test(key) ? key : `\`${key.replaceAll('`', '``')}\``;
  return `${prefix}.${shown}`;
}

function printValue(value: FilterValue): string {
  if (value.kind === 'number') return String(value.value);
  if (value.kind === 'string') return quoteString(value.value);
  return `(${value.values.map(quoteString).join(', ')})`;
}

/** The filter text of some clauses: `parseFilter(printFilter(c, g), g)` equals `c`. */
export function printFilter(clauses: readonly FilterClause[], grammar: FilterGrammar): string {
  return clauses
    .map((clause) => `${printName(grammar, clause.entity, clause.key)} ${clause.op} ${printValue(clause.value)}`)
    .join(' AND ');
}

/** The order_by text of a term: `parseOrderBy(printOrderBy(t, g), g)` equals `t`. */
export function printOrderBy(term: OrderByTerm, grammar: FilterGrammar): string {
  return `${printName(grammar, term.entity, term.key)} ${term.ascending ? 'ASC' : 'DESC'}`;
}
