import type { FilterClause, FilterOperator, FilterValue } from './filter-ast.js';
import type { FilterGrammar } from './filter-grammar.js';
import { FILTER_LIMITS } from './filter-limits.js';
import { likePatternProblem } from './like-pattern.js';
import { type ResolvedField, resolveSearchField } from './resolve-search-field.js';
import { SearchCursor } from './search-cursor.js';
import { searchSyntaxError } from './search-syntax-error.js';
import { describeToken, type IdentifierToken, type SearchToken } from './search-tokens.js';

const OPERATOR_LIST = '=, !=, <, <=, >, >=, LIKE, ILIKE, IN or NOT IN';

/**
 * Parses a search filter (MLflow's grammar: comparisons joined by AND) against a grammar, which says which
 * entities, keys and operators exist. Returns the clauses in order; an empty or blank filter is `[]`. Anything
 * else, from a stray quote to a comparator a field does not support, is INVALID_PARAMETER_VALUE naming the
 * 1-based position where it broke.
 */
export function parseFilter(text: string, grammar: FilterGrammar): FilterClause[] {
  if (text.trim() === '') return [];
  if (text.length > FILTER_LIMITS.filterLength) {
    const what = `the filter is ${text.length} characters long; at most ${FILTER_LIMITS.filterLength} are allowed`;
    throw searchSyntaxError('filter', text, what, undefined);
  }
  const cursor = new SearchCursor('filter', text);
  const clauses: FilterClause[] = [parseClause(cursor, grammar)];
  while (cursor.accept('AND')) {
    if (clauses.length >= FILTER_LIMITS.clauses) {
      throw cursor.fail(`a filter has at most ${FILTER_LIMITS.clauses} comparisons`, cursor.peek());
    }
    clauses.push(parseClause(cursor, grammar));
  }
  expectEnd(cursor);
  return clauses;
}

function expectEnd(cursor: SearchCursor): void {
  const token = cursor.peek();
  if (token.kind === 'end') return;
  if (token.kind === 'keyword' && token.word === 'OR') {
    throw cursor.fail('OR is not supported: search filters combine comparisons with AND only', token);
  }
  throw cursor.fail(`expected AND or the end of the filter, found ${describeToken(token)}`, token);
}

function parseClause(cursor: SearchCursor, grammar: FilterGrammar): FilterClause {
  const name = readName(cursor);
  const field = resolveSearchField(cursor, grammar, name, 'filter');
  const opToken = cursor.peek();
  const op = readOperator(cursor, name);
  if (!field.spec.ops.includes(op)) throw badOperator(cursor, field, op, opToken);
  const value = op === 'IN' || op === 'NOT IN' ? readList(cursor, op) : readScalar(cursor, field, op);
  return { entity: field.entity, key: field.key, op, value };
}

/** A name: `prefix.key`, a bare key, or a "double-quoted" bare key (as MLflow accepts `"name" = 'x'`). */
function readName(cursor: SearchCursor): IdentifierToken {
  const token = cursor.next();
  if (token.kind === 'identifier') return token;
  if (token.kind === 'string' && token.quote === '"')
    return { ...token, kind: 'identifier', prefix: undefined, key: token.value };
  if (token.kind === '(') {
    throw cursor.fail('parentheses are not supported: write comparisons joined by AND', token);
  }
  if (token.kind === 'end') throw cursor.fail('expected a comparison such as metrics.acc > 0.9', token);
  throw cursor.fail(`expected a name such as metrics.acc or params.lr, found ${describeToken(token)}`, token);
}

function readOperator(cursor: SearchCursor, name: IdentifierToken): FilterOperator {
  const token = cursor.next();
  if (token.kind === 'operator') return token.op;
  if (token.kind === 'keyword') {
    if (token.word === 'LIKE' || token.word === 'ILIKE' || token.word === 'IN') return token.word;
    if (token.word === 'NOT' && cursor.accept('IN')) return 'NOT IN';
    if (token.word === 'IS') throw cursor.fail('IS NULL and IS NOT NULL are not supported', token);
  }
  throw cursor.fail(
    `expected an operator (${OPERATOR_LIST}) after '${name.text}', found ${describeToken(token)}`,
    token,
  );
}

function badOperator(cursor: SearchCursor, field: ResolvedField, op: FilterOperator, token: SearchToken) {
  const what = `invalid comparator '${op}' for ${field.entity} '${field.key}'; use one of ${field.spec.ops.join(', ')}`;
  return cursor.fail(what, token);
}

function readScalar(cursor: SearchCursor, field: ResolvedField, op: FilterOperator): FilterValue {
  const token = cursor.next();
  const about = `${field.entity} '${field.key}'`;
  if (token.kind === 'end') throw cursor.fail(`expected a value after '${op}'`, token);
  if (field.spec.type === 'number') {
    if (token.kind === 'number') return { kind: 'number', value: token.value };
    throw cursor.fail(`expected a number for ${about}, found ${describeToken(token)}`, token);
  }
  if (token.kind !== 'string') {
    throw cursor.fail(`expected a quoted string for ${about} (e.g. 'my-value'), found ${describeToken(token)}`, token);
  }
  checkString(cursor, token, op);
  return { kind: 'string', value: token.value };
}

function checkString(cursor: SearchCursor, token: SearchToken & { value: string }, op: FilterOperator): void {
  if (token.value.length > FILTER_LIMITS.stringValue) {
    throw cursor.fail(`a string value is at most ${FILTER_LIMITS.stringValue} characters long`, token);
  }
  if (token.value.includes('\u0000')) throw cursor.fail('a string value must not contain NUL characters', token);
  const problem = op === 'LIKE' || op === 'ILIKE' ? likePatternProblem(token.value) : undefined;
  if (problem !== undefined) throw cursor.fail(`invalid ${op} pattern: ${problem}`, token);
}

/** `('a', 'b', …)`: at least one quoted string. */
function readList(cursor: SearchCursor, op: FilterOperator): FilterValue {
  const open = cursor.next();
  if (open.kind !== '(') throw cursor.fail(`expected '(' after ${op}, found ${describeToken(open)}`, open);
  const values: string[] = [];
  for (;;) {
    const item = cursor.next();
    if (item.kind !== 'string') {
      throw cursor.fail(`expected a quoted string in the ${op} list, found ${describeToken(item)}`, item);
    }
    checkString(cursor, item, op);
    values.push(item.value);
    if (values.length > FILTER_LIMITS.listValues) {
      throw cursor.fail(`an ${op} list has at most ${FILTER_LIMITS.listValues} values`, item);
    }
    const separator = cursor.next();
    if (separator.kind === ')') return { kind: 'list', values };
    if (separator.kind !== ',') {
      throw cursor.fail(`expected ',' or ')' in the ${op} list, found ${describeToken(separator)}`, separator);
    }
  }
}
