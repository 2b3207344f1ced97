import { invalidParameter } from '../errors.js';
import type { OrderByTerm } from './filter-ast.js';
import type { FilterGrammar } from './filter-grammar.js';
import { FILTER_LIMITS } from './filter-limits.js';
import { resolveSearchField } from './resolve-search-field.js';
import { SearchCursor } from './search-cursor.js';
import { searchSyntaxError } from './search-syntax-error.js';
import { describeToken, type IdentifierToken } from './search-tokens.js';

/**
 * Parses one `order_by` item: `<entity>.<key>` (bare, "quoted" or `backticked` key) and an optional ASC or
 * DESC (case-insensitive; ASC by default), e.g. `metrics.acc DESC`, `attributes.start_time`, tags.`my key` asc.
 */
export function parseOrderBy(text: string, grammar: FilterGrammar): OrderByTerm {
  if (text.length > FILTER_LIMITS.orderByLength) {
    const what = `it is ${text.length} characters long; at most ${FILTER_LIMITS.orderByLength} are allowed`;
    throw searchSyntaxError('order_by clause', text, what, undefined);
  }
  const cursor = new SearchCursor('order_by clause', text);
  const name = readName(cursor);
  const field = resolveSearchField(cursor, grammar, name, 'order_by');
  const ascending = !cursor.accept('DESC');
  if (ascending) cursor.accept('ASC');
  const rest = cursor.peek();
  if (rest.kind !== 'end') throw cursor.fail(`expected ASC, DESC or the end, found ${describeToken(rest)}`, rest);
  return { entity: field.entity, key: field.key, ascending };
}

/** Parses every `order_by` item; a field named twice is INVALID_PARAMETER_VALUE, as in MLflow. */
export function parseOrderByList(items: readonly string[], grammar: FilterGrammar): OrderByTerm[] {
  if (items.length > FILTER_LIMITS.orderByTerms) {
    throw invalidParameter(`order_by has ${items.length} items; at most ${FILTER_LIMITS.orderByTerms} are allowed.`, {
      hint: 'Order by fewer fields.',
    });
  }
  const terms = items.map((item) => parseOrderBy(item, grammar));
  const seen = new Set<string>();
  for (const term of terms) {
    const id = `${term.entity}\u0000${term.key}`;
    if (seen.has(id)) {
      throw invalidParameter(`order_by contains duplicate fields: ${term.entity} '${term.key}' appears twice.`, {
        hint: 'Name each field once in order_by.',
      });
    }
    seen.add(id);
  }
  return terms;
}

function readName(cursor: SearchCursor): IdentifierToken {
  const token = cursor.next();
  if (token.kind === 'identifier') return token;
  if (token.kind === 'string' && token.quote === '"') {
    return { ...token, kind: 'identifier', prefix: undefined, key: token.value };
  }
  throw cursor.fail(
    `expected a name such as metrics.acc or attributes.start_time, found ${describeToken(token)}`,
    token,
  );
}
