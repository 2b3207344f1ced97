import {
  allPrefixes,
  entityForPrefix,
  type FieldSpec,
  type FilterGrammar,
  fieldFor,
  listedKeys,
} from './filter-grammar.js';
import { FILTER_LIMITS } from './filter-limits.js';
import type { SearchCursor } from './search-cursor.js';
import type { IdentifierToken } from './search-tokens.js';

/** A name resolved against a grammar: canonical entity and key, and what the field allows. */
export interface ResolvedField {
  readonly entity: string;
  readonly key: string;
  readonly spec: FieldSpec;
}

export type FieldUse = 'filter' | 'order_by';

const allowed = (spec: FieldSpec, use: FieldUse) =>
  use === 'filter' ? spec.filterable !== false : spec.orderable === true;

/** Resolves `prefix.key` (or a bare key) for a filter or an order_by; INVALID_PARAMETER_VALUE when not allowed. */
export function resolveSearchField(
  cursor: SearchCursor,
  grammar: FilterGrammar,
  token: IdentifierToken,
  use: FieldUse,
): ResolvedField {
  const entity = resolveEntity(cursor, grammar, token);
  if (token.key.length === 0) throw cursor.fail(`the key of '${token.text}' is empty`, token);
  if (token.key.length > FILTER_LIMITS.key) {
    throw cursor.fail(`a key is at most ${FILTER_LIMITS.key} characters long`, token);
  }
  if (token.key.includes('\u0000')) throw cursor.fail('a key must not contain NUL characters', token);
  const field = fieldFor(grammar, entity, token.key);
  if (field === undefined || !allowed(field.spec, use)) throw unknownKey(cursor, grammar, token, entity, use);
  return { entity, key: field.key, spec: field.spec };
}

function resolveEntity(cursor: SearchCursor, grammar: FilterGrammar, token: IdentifierToken): string {
  const prefixes = allPrefixes(grammar);
  if (token.prefix === undefined) {
    if (grammar.bareEntity !== undefined) return grammar.bareEntity;
    throw cursor.fail(`'${token.text}' needs a prefix: one of ${prefixes.join(', ')}`, token);
  }
  const entity = entityForPrefix(grammar, token.prefix);
  if (entity === undefined) {
    throw cursor.fail(`invalid entity type '${token.prefix}'; valid prefixes are ${prefixes.join(', ')}`, token);
  }
  return entity;
}

function unknownKey(
  cursor: SearchCursor,
  grammar: FilterGrammar,
  token: IdentifierToken,
  entity: string,
  use: FieldUse,
) {
  const keys = listedKeys(grammar, entity, (spec) => allowed(spec, use));
  const what = use === 'filter' ? 'searched' : 'ordered by';
  if (keys.length === 0) return cursor.fail(`${grammar.subject} cannot be ${what} '${token.text}'`, token);
  return cursor.fail(`invalid ${entity} key '${token.key}'; valid keys are ${keys.join(', ')}`, token);
}
