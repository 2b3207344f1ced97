import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../errors.js';
import { EXPERIMENT_SEARCH_GRAMMAR } from './experiment-search-grammar.js';
import type { OrderByTerm } from './filter-ast.js';
import { FILTER_LIMITS } from './filter-limits.js';
import { parseOrderBy, parseOrderByList } from './parse-order-by.js';
import { RUN_SEARCH_GRAMMAR } from './run-search-grammar.js';

const term = (entity: string, key: string, ascending = true): OrderByTerm => ({ entity, key, ascending });

function refused(run: () => unknown): SlipwayError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SlipwayError);
    expect((error as SlipwayError).code).toBe('INVALID_PARAMETER_VALUE');
    return error as SlipwayError;
  }
  throw new Error('expected an INVALID_PARAMETER_VALUE');
}

describe('parseOrderBy (runs)', () => {
  it.each<[string, OrderByTerm]>([
    ['metrics.acc DESC', term('metric', 'acc', false)],
    ['metrics.acc desc', term('metric', 'acc', false)],
    ['params.lr', term('param', 'lr')],
    ['params.lr ASC', term('param', 'lr')],
    ['attributes.start_time ASC', term('attribute', 'start_time')],
    ['start_time', term('attribute', 'start_time')],
    ['attribute.created DESC', term('attribute', 'start_time', false)],
    ['tags.`my key` DESC', term('tag', 'my key', false)],
    ['metrics."a.b" ASC', term('metric', 'a.b')],
    ['tags.mlflow.runName', term('tag', 'mlflow.runName')],
    ['attr.run_name', term('attribute', 'run_name')],
    ['  metrics.`m` \t DESC  ', term('metric', 'm', false)],
  ])('%j', (text, expected) => {
    expect(parseOrderBy(text, RUN_SEARCH_GRAMMAR)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['', 'expected a name such as metrics.acc or attributes.start_time, found the end of the text at position 1'],
    ['metrics.acc DESC ASC', "expected ASC, DESC or the end, found 'ASC' at position 18"],
    ['metrics.acc DOWN', "expected ASC, DESC or the end, found 'DOWN' at position 13"],
    ['datasets.name', "runs cannot be ordered by 'datasets.name' at position 1"],
    ['attributes.lifecycle_stage', "invalid attribute key 'lifecycle_stage'"],
    ['foo.bar', "invalid entity type 'foo'"],
    ['metrics.acc, params.x', "found ',' at position 12"],
  ])('refuses %j', (text, message) => {
    const error = refused(() => parseOrderBy(text, RUN_SEARCH_GRAMMAR));
    expect(error.message).toContain(message);
    expect(error.message).toMatch(/^Invalid order_by clause '/);
  });
});

describe('parseOrderBy (experiments)', () => {
  it.each<[string, OrderByTerm]>([
    ['name', term('attribute', 'name')],
    ['experiment_id DESC', term('attribute', 'experiment_id', false)],
    ['attributes.creation_time DESC', term('attribute', 'creation_time', false)],
    ['last_update_time', term('attribute', 'last_update_time')],
  ])('%j', (text, expected) => {
    expect(parseOrderBy(text, EXPERIMENT_SEARCH_GRAMMAR)).toEqual(expected);
  });

  it('refuses tags, which experiments cannot be ordered by', () => {
    expect(refused(() => parseOrderBy('tags.x', EXPERIMENT_SEARCH_GRAMMAR)).message).toContain(
      "experiments cannot be ordered by 'tags.x'",
    );
  });
});

describe('parseOrderByList', () => {
  it('keeps the order of the items', () => {
    expect(parseOrderByList(['metrics.acc DESC', 'params.lr'], RUN_SEARCH_GRAMMAR)).toEqual([
      term('metric', 'acc', false),
      term('param', 'lr'),
    ]);
  });

  it('refuses a field named twice, even spelled differently', () => {
    const error = refused(() => parseOrderByList(['metrics.acc DESC', 'metric.`acc` ASC'], RUN_SEARCH_GRAMMAR));
    expect(error.message).toBe("order_by contains duplicate fields: metric 'acc' appears twice.");
  });

  it('allows the same key on different entities', () => {
    expect(parseOrderByList(['metrics.x', 'params.x', 'tags.x'], RUN_SEARCH_GRAMMAR)).toHaveLength(3);
  });

  it('bounds the number and length of items', () => {
    const many = Array.from({ length: FILTER_LIMITS.orderByTerms + 1 }, (_, i) => `metrics.m${i}`);
    expect(refused(() => parseOrderByList(many, RUN_SEARCH_GRAMMAR)).message).toContain('at most 20 are allowed');
    const long = `tags.\`${'k'.repeat(FILTER_LIMITS.orderByLength)}\``;
    expect(refused(() => parseOrderBy(long, RUN_SEARCH_GRAMMAR)).message).toContain(
      `at most ${FILTER_LIMITS.orderByLength} are allowed`,
    );
  });
});
