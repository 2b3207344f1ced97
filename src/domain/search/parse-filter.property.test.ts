import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../errors.js';
import { EXPERIMENT_SEARCH_GRAMMAR } from './experiment-search-grammar.js';
import type { FilterClause, FilterValue, OrderByTerm } from './filter-ast.js';
import type { FieldSpec, FilterGrammar } from './filter-grammar.js';
import { likePatternProblem } from './like-pattern.js';
import { parseFilter } from './parse-filter.js';
import { parseOrderBy } from './parse-order-by.js';
import { printFilter, printOrderBy } from './print-filter.js';
import { RUN_SEARCH_GRAMMAR } from './run-search-grammar.js';

const GRAMMARS: FilterGrammar[] = [RUN_SEARCH_GRAMMAR, EXPERIMENT_SEARCH_GRAMMAR];

/** Runs `parse`; passes when it returns or throws INVALID_PARAMETER_VALUE, fails on any other exception. */
function parsesOrRefuses(parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    if (!(error instanceof SlipwayError) || error.code !== 'INVALID_PARAMETER_VALUE') throw error;
    expect(error.message).toMatch(/^Invalid (filter|order_by clause) '/);
  }
}

const anyText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
);

const FRAGMENTS = [
  'metrics.acc',
  'params.lr',
  'tags.`a b`',
  'tags."x',
  'attributes.status',
  'run_id',
  'name',
  'datasets.name',
  'creation_time',
  '`metric`.a',
  'metrics.',
  'foo.bar',
  'AND',
  'and',
  'OR',
  'NOT',
  'IN',
  'LIKE',
  'ILIKE',
  'IS',
  'NULL',
  'ASC',
  'DESC',
  '=',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '==',
  '<>',
  '(',
  ')',
  ',',
  "'x'",
  "'it''s'",
  "'a\\'",
  '"q"',
  '1',
  '-2.5e3',
  '.5',
  '1e999',
  "'%a%'",
  "'",
  '"',
  '`',
  '\\',
  ';',
  '-',
  '.',
  '\u0000',
  '😀',
];

const tokenSoup = fc
  .array(fc.tuple(fc.constantFrom(...FRAGMENTS), fc.constantFrom('', ' ', '  ', '\n')), { maxLength: 12 })
  .map((parts) => parts.map(([fragment, space]) => fragment + space).join(''));

describe('parseFilter never throws anything but INVALID_PARAMETER_VALUE', () => {
  it.each(GRAMMARS.map((grammar) => [grammar.subject, grammar] as const))('on random text (%s)', (_, grammar) => {
    fc.assert(
      fc.property(anyText, (text) => parsesOrRefuses(() => parseFilter(text, grammar))),
      { numRuns: 2000 },
    );
  });

  it.each(GRAMMARS.map((grammar) => [grammar.subject, grammar] as const))('on token soup (%s)', (_, grammar) => {
    fc.assert(
      fc.property(tokenSoup, (text) => parsesOrRefuses(() => parseFilter(text, grammar))),
      { numRuns: 3000 },
    );
  });

  it('parseOrderBy neither', () => {
    const text = fc.oneof(anyText, tokenSoup);
    fc.assert(
      fc.property(text, (t) => parsesOrRefuses(() => parseOrderBy(t, RUN_SEARCH_GRAMMAR))),
      { numRuns: 2000 },
    );
  });
});

const anyString = fc
  .oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 20 }))
  .filter((text) => !text.includes('\u0000'));
const anyKey = anyString.filter((key) => key.length > 0);
const finiteNumber = fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => n + 0);

function valueFor(spec: FieldSpec, op: FilterClause['op']): fc.Arbitrary<FilterValue> {
  if (op === 'IN' || op === 'NOT IN') {
    return fc.array(anyString, { minLength: 1, maxLength: 4 }).map((values) => ({ kind: 'list', values }));
  }
  if (spec.type === 'number') return finiteNumber.map((value) => ({ kind: 'number', value }));
  const text =
    op === 'LIKE' || op === 'ILIKE' ? anyString.filter((p) => likePatternProblem(p) === undefined) : anyString;
  return text.map((value) => ({ kind: 'string', value }));
}

/** A field of the grammar: a listed key, or any key for entities without a list. */
function fieldOf(grammar: FilterGrammar, use: 'filter' | 'order_by'): fc.Arbitrary<[string, string, FieldSpec]> {
  const choices = Object.entries(grammar.entities).flatMap(([entity, spec]) => {
    const listed = Object.entries(spec.fields ?? {})
      .filter(([, field]) => (use === 'filter' ? field.filterable !== false : field.orderable === true))
      .map(([key, field]) => fc.constant<[string, string, FieldSpec]>([entity, key, field]));
    const free = spec.anyKey;
    const open =
      free && (use === 'filter' || free.orderable)
        ? [anyKey.map((key) => [entity, key, free] as [string, string, FieldSpec])]
        : [];
    return [...listed, ...open];
  });
  return fc.oneof(...choices);
}

const clauseOf = (grammar: FilterGrammar): fc.Arbitrary<FilterClause> =>
  fieldOf(grammar, 'filter').chain(([entity, key, spec]) =>
    fc
      .constantFrom(...spec.ops)
      .chain((op) => valueFor(spec, op).map((value): FilterClause => ({ entity, key, op, value }))),
  );

describe('printing an AST and parsing it again gives the same AST', () => {
  it.each(GRAMMARS.map((grammar) => [grammar.subject, grammar] as const))('filters (%s)', (_, grammar) => {
    const clauses = fc.array(clauseOf(grammar), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(clauses, (ast) => {
        expect(parseFilter(printFilter(ast, grammar), grammar)).toEqual(ast);
      }),
      { numRuns: 1500 },
    );
  });

  it.each(GRAMMARS.map((grammar) => [grammar.subject, grammar] as const))('order_by items (%s)', (_, grammar) => {
    const term = fc
      .tuple(fieldOf(grammar, 'order_by'), fc.boolean())
      .map(([[entity, key], ascending]): OrderByTerm => ({ entity, key, ascending }));
    fc.assert(
      fc.property(term, (t) => {
        expect(parseOrderBy(printOrderBy(t, grammar), grammar)).toEqual(t);
      }),
      { numRuns: 1000 },
    );
  });
});
