import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../errors.js';
import { EXPERIMENT_SEARCH_GRAMMAR } from './experiment-search-grammar.js';
import type { FilterClause } from './filter-ast.js';
import type { FilterGrammar } from './filter-grammar.js';
import { FILTER_LIMITS } from './filter-limits.js';
import { parseFilter } from './parse-filter.js';
import { RUN_SEARCH_GRAMMAR } from './run-search-grammar.js';

const runs = (text: string) => parseFilter(text, RUN_SEARCH_GRAMMAR);
const num = (entity: string, key: string, op: FilterClause['op'], value: number): FilterClause => ({
  entity,
  key,
  op,
  value: { kind: 'number', value },
});
const str = (entity: string, key: string, op: FilterClause['op'], value: string): FilterClause => ({
  entity,
  key,
  op,
  value: { kind: 'string', value },
});
const list = (entity: string, key: string, op: FilterClause['op'], values: string[]): FilterClause => ({
  entity,
  key,
  op,
  value: { kind: 'list', values },
});

function errorOf(text: string, grammar: FilterGrammar = RUN_SEARCH_GRAMMAR): SlipwayError {
  try {
    parseFilter(text, grammar);
  } catch (error) {
    expect(error).toBeInstanceOf(SlipwayError);
    expect((error as SlipwayError).code).toBe('INVALID_PARAMETER_VALUE');
    return error as SlipwayError;
  }
  throw new Error(`expected '${text}' to be refused`);
}

describe('parseFilter on the runs grammar: what MLflow accepts', () => {
  it.each<[string, FilterClause[]]>([
    ['', []],
    ['   \n\t ', []],
    ['metrics.acc >= 0.94', [num('metric', 'acc', '>=', 0.94)]],
    ['metrics.acc>=100', [num('metric', 'acc', '>=', 100)]],
    ['metric.acc < -1.5e3', [num('metric', 'acc', '<', -1500)]],
    ['metrics.loss <= .5', [num('metric', 'loss', '<=', 0.5)]],
    ['metrics.loss = 5.', [num('metric', 'loss', '=', 5)]],
    ['metrics.x != -0', [num('metric', 'x', '!=', 0)]],
    ["params.m!='tf'", [str('param', 'm', '!=', 'tf')]],
    ['params."m"!="tf"', [str('param', 'm', '!=', 'tf')]],
    ['tags."m"!="tf"', [str('tag', 'm', '!=', 'tf')]],
    ["params.m != 'LR'", [str('param', 'm', '!=', 'LR')]],
    ["params.`m` != 'LR'", [str('param', 'm', '!=', 'LR')]],
    ['metrics.`m` > 1', [num('metric', 'm', '>', 1)]],
    ["tags.`m` != 'LR'", [str('tag', 'm', '!=', 'LR')]],
    ['`metric`.a >= 0.1', [num('metric', 'a', '>=', 0.1)]],
    ["param.model = 'LR'", [str('param', 'model', '=', 'LR')]],
    ["parameter.model = 'LR'", [str('param', 'model', '=', 'LR')]],
    ["parameters.model = 'LR'", [str('param', 'model', '=', 'LR')]],
    ["tag.model = 'LR'", [str('tag', 'model', '=', 'LR')]],
    ['metrics."a b" > 0.5', [num('metric', 'a b', '>', 0.5)]],
    ["metrics.'a b' > 0.5", [num('metric', 'a b', '>', 0.5)]],
    ['metrics."accuracy.2.0" > 5', [num('metric', 'accuracy.2.0', '>', 5)]],
    ["tags.mlflow.source.name = 'foo'", [str('tag', 'mlflow.source.name', '=', 'foo')]],
    ["tags.`mlflow.source.name` = 'foo'", [str('tag', 'mlflow.source.name', '=', 'foo')]],
    ["tags.`a ``b`` c` = 'x'", [str('tag', 'a `b` c', '=', 'x')]],
    ["attribute.status = 'RUNNING'", [str('attribute', 'status', '=', 'RUNNING')]],
    ["attributes.status = 'FINISHED'", [str('attribute', 'status', '=', 'FINISHED')]],
    ["attr.user_id LIKE 'al%'", [str('attribute', 'user_id', 'LIKE', 'al%')]],
    ["run.run_name ILIKE '%Best%'", [str('attribute', 'run_name', 'ILIKE', '%Best%')]],
    ["status = 'FAILED'", [str('attribute', 'status', '=', 'FAILED')]],
    ["attribute.artifact_uri = '1/123/artifacts'", [str('attribute', 'artifact_uri', '=', '1/123/artifacts')]],
    ['attributes.start_time >= 1700000000000', [num('attribute', 'start_time', '>=', 1_700_000_000_000)]],
    ['attributes.end_time < 5', [num('attribute', 'end_time', '<', 5)]],
    ['attributes.created > 5', [num('attribute', 'start_time', '>', 5)]],
    ['attributes.Created > 5', [num('attribute', 'start_time', '>', 5)]],
    ["attributes.`Run name` = 'a'", [str('attribute', 'run_name', '=', 'a')]],
    ['"run name" = \'a\'', [str('attribute', 'run_name', '=', 'a')]],
    ["attributes.run_id IN ('abc','def')", [list('attribute', 'run_id', 'IN', ['abc', 'def'])]],
    ["run_id in ('abc')", [list('attribute', 'run_id', 'IN', ['abc'])]],
    ['attributes.run_id NOT IN (\'a\', "b")', [list('attribute', 'run_id', 'NOT IN', ['a', 'b'])]],
    ["attributes.run_id not in ('a')", [list('attribute', 'run_id', 'NOT IN', ['a'])]],
    ["datasets.name = 'wine'", [str('dataset', 'name', '=', 'wine')]],
    ["dataset.digest IN ('a1', 'b2')", [list('dataset', 'digest', 'IN', ['a1', 'b2'])]],
    ["datasets.context LIKE 'train%'", [str('dataset', 'context', 'LIKE', 'train%')]],
    ["tags.x like 'a%'", [str('tag', 'x', 'LIKE', 'a%')]],
    ["tags.x iLiKe 'A%'", [str('tag', 'x', 'ILIKE', 'A%')]],
    ['metrics.and > 1', [num('metric', 'and', '>', 1)]],
  ])('%j', (text, expected) => {
    expect(runs(text)).toEqual(expected);
  });

  it('joins clauses with AND in any case', () => {
    const text = "metrics.x > 0.5 and params.y = 'a' AND tags.z LIKE '%b%' aNd attributes.status = 'FINISHED'";
    expect(runs(text)).toEqual([
      num('metric', 'x', '>', 0.5),
      str('param', 'y', '=', 'a'),
      str('tag', 'z', 'LIKE', '%b%'),
      str('attribute', 'status', '=', 'FINISHED'),
    ]);
  });

  it.each<[string, string]>([
    ["'it''s'", "it's"],
    ['"say ""hi"""', 'say "hi"'],
    ["'it\\'s'", "it's"],
    ["'back\\\\slash'", 'back\\slash'],
    ["'100\\%'", '100\\%'],
    ["'a\\_b'", 'a\\_b'],
    ["'tab\there'", 'tab\there'],
    ["'ünïcødé ✓'", 'ünïcødé ✓'],
    ["''", ''],
  ])('decodes the string %s', (literal, value) => {
    expect(runs(`params.p = ${literal}`)).toEqual([str('param', 'p', '=', value)]);
  });
});

describe('parseFilter errors say where the filter broke', () => {
  it.each<[string, string]>([
    ['metrics.acc >', "Invalid filter 'metrics.acc >': expected a value after '>' at position 14"],
    [
      'metrics.acc',
      "expected an operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN or NOT IN) after 'metrics.acc', found the end of the text at position 12",
    ],
    ['metrics.acc >= 0.94; metrics.rmse < 1', "unexpected character ';' at position 20"],
    [
      "metrics.A > 0.1 OR params.B = 'LR'",
      'OR is not supported: search filters combine comparisons with AND only at position 17',
    ],
    [
      "metrics.A > 0.1 AND (params.B = 'LR')",
      'parentheses are not supported: write comparisons joined by AND at position 21',
    ],
    ["status = 'a' and", 'expected a comparison such as metrics.acc > 0.9 at position 17'],
    ["status = 'a' status = 'b'", "expected AND or the end of the filter, found 'status' at position 14"],
    ['m.acc >= 0.94', "invalid entity type 'm'; valid prefixes are metrics, metric"],
    ['acc >= 0.94', "invalid attribute key 'acc'; valid keys are run_id, run_name"],
    ["model >= 'LR'", "invalid attribute key 'model'"],
    ["attributes.lifecycle_stage = 'active'", "invalid attribute key 'lifecycle_stage'"],
    ["datasets.source = 'x'", "invalid dataset key 'source'; valid keys are name, digest, context"],
    ["attribute.start_time = 'now'", "expected a number for attribute 'start_time', found 'now' at position 24"],
    ["metrics.acc > 'abc'", "expected a number for metric 'acc', found 'abc' at position 15"],
    ['params.x = 5', "expected a quoted string for param 'x' (e.g. 'my-value'), found '5' at position 12"],
    ['params.x = abc', "expected a quoted string for param 'x' (e.g. 'my-value'), found 'abc' at position 12"],
    ["params.x > '5'", "invalid comparator '>' for param 'x'; use one of =, !=, LIKE, ILIKE at position 10"],
    ["metrics.x LIKE '1'", "invalid comparator 'LIKE' for metric 'x'; use one of =, !=, <, <=, >, >= at position 11"],
    ["attributes.status IN ('a')", "invalid comparator 'IN' for attribute 'status'"],
    ['attributes.run_id IN ()', "expected a quoted string in the IN list, found ')' at position 23"],
    ['attributes.run_id IN (1, 2)', "expected a quoted string in the IN list, found '1' at position 23"],
    ["attributes.run_id IN 'a'", "expected '(' after IN, found 'a' at position 22"],
    ["attributes.run_id IN ('a' 'b')", "expected ',' or ')' in the IN list, found 'b' at position 27"],
    ["attributes.run_id NOT LIKE 'a'", "found 'NOT' at position 19"],
    ['tags.x IS NULL', 'IS NULL and IS NOT NULL are not supported at position 8'],
    ["params.x = 'abc", 'unterminated string at position 12'],
    ["tags.`abc = 'x'", 'unterminated backtick-quoted name at position 6'],
    ['metrics.a-b > 1', "unexpected character '-' in key 'metrics.a'"],
    ['metrics. > 1', "expected a key after 'metrics.' at position 9"],
    ["tags.a. = 'x'", "unexpected character '.' in key 'tags.a'"],
    ['metrics.x > 1abc', "invalid number '1a' at position 13"],
    ['metrics.x > 1e999', "number '1e999' is out of range at position 13"],
    ['metrics.x <> 1', "expected a number for metric 'x', found '>' at position 12"],
    ['metrics.x == 1', "expected a number for metric 'x', found '=' at position 12"],
    ["tags.`` = 'x'", "the key of 'tags.``' is empty at position 1"],
    ["'a' = 'b'", "expected a name such as metrics.acc or params.lr, found 'a' at position 1"],
    ["tags.x LIKE 'abc\\'", 'unterminated string'],
    ["tags.x = 'a\u0000b'", 'a string value must not contain NUL characters at position 10'],
    ["tags.`a\u0000b` = 'x'", 'a key must not contain NUL characters at position 1'],
    ["tags.x LIKE 'a\\\\'", "invalid LIKE pattern: the pattern ends with the escape character '\\' at position 13"],
  ])('%j', (text, message) => {
    expect(errorOf(text).message).toContain(message);
  });

  it('has a hint that shows the grammar', () => {
    expect(errorOf('metrics.acc >').hint).toMatch(/metrics\.acc > 0\.9 and params\.model = 'rf'/);
  });
});

describe('parseFilter bounds', () => {
  it('refuses filters longer than the limit, without echoing all of it', () => {
    const text = `params.p = '${'x'.repeat(FILTER_LIMITS.filterLength)}'`;
    const error = errorOf(text);
    expect(error.message).toContain(`at most ${FILTER_LIMITS.filterLength} are allowed`);
    expect(error.message.length).toBeLessThan(400);
  });

  it('refuses too many clauses', () => {
    const clause = "params.p = 'x'";
    expect(runs(Array(FILTER_LIMITS.clauses).fill(clause).join(' and '))).toHaveLength(FILTER_LIMITS.clauses);
    const error = errorOf(
      Array(FILTER_LIMITS.clauses + 1)
        .fill(clause)
        .join(' and '),
    );
    expect(error.message).toContain(`at most ${FILTER_LIMITS.clauses} comparisons`);
  });

  it('refuses long LIKE patterns and many wildcards', () => {
    expect(errorOf(`tags.t LIKE '${'a'.repeat(FILTER_LIMITS.likePattern + 1)}'`).message).toContain(
      `at most ${FILTER_LIMITS.likePattern} are allowed`,
    );
    const wild = '%a'.repeat(FILTER_LIMITS.likeWildcards + 1);
    expect(errorOf(`tags.t ILIKE '${wild}'`).message).toContain(
      `'%' wildcards; at most ${FILTER_LIMITS.likeWildcards}`,
    );
    expect(runs(`tags.t LIKE '${'%a'.repeat(FILTER_LIMITS.likeWildcards)}'`)).toHaveLength(1);
    expect(runs(`tags.t = '${'%'.repeat(100)}'`)).toHaveLength(1);
  });

  it('refuses over-long string values and keys', () => {
    const long = 'v'.repeat(FILTER_LIMITS.stringValue + 1);
    expect(errorOf(`tags.t = '${long}'`).message).toContain(`at most ${FILTER_LIMITS.stringValue} characters`);
    expect(errorOf(`tags.\`${'k'.repeat(FILTER_LIMITS.key + 1)}\` = 'x'`).message).toContain('a key is at most');
  });

  it('refuses IN lists longer than the limit', () => {
    const values = Array.from({ length: FILTER_LIMITS.listValues + 1 }, (_, i) => `'${i}'`).join(',');
    expect(errorOf(`run_id IN (${values})`).message).toContain(`at most ${FILTER_LIMITS.listValues} values`);
  });
});

describe('parseFilter on the experiments grammar', () => {
  const experiments = (text: string) => parseFilter(text, EXPERIMENT_SEARCH_GRAMMAR);

  it.each<[string, FilterClause[]]>([
    ["name LIKE 'wine-%'", [str('attribute', 'name', 'LIKE', 'wine-%')]],
    ["attributes.name = 'wine'", [str('attribute', 'name', '=', 'wine')]],
    ["attribute.name ILIKE '%WINE%'", [str('attribute', 'name', 'ILIKE', '%WINE%')]],
    ['creation_time > 100', [num('attribute', 'creation_time', '>', 100)]],
    ['last_update_time <= 100', [num('attribute', 'last_update_time', '<=', 100)]],
    [
      "tags.team = 'ml' and tags.`extra key` != 'x'",
      [str('tag', 'team', '=', 'ml'), str('tag', 'extra key', '!=', 'x')],
    ],
  ])('%j', (text, expected) => {
    expect(experiments(text)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['metrics.acc > 1', "invalid entity type 'metrics'; valid prefixes are attributes, attribute, attr, tags, tag"],
    [
      'experiment_id = 1',
      "invalid attribute key 'experiment_id'; valid keys are name, creation_time, last_update_time",
    ],
    ["name IN ('a')", "invalid comparator 'IN' for attribute 'name'"],
    ["creation_time > '1'", "expected a number for attribute 'creation_time'"],
  ])('refuses %j', (text, message) => {
    expect(errorOf(text, EXPERIMENT_SEARCH_GRAMMAR).message).toContain(message);
  });
});

describe('parseFilter with a grammar passed by the caller (the registry reuses it)', () => {
  const registry: FilterGrammar = {
    subject: 'model versions',
    bareEntity: 'attribute',
    entities: {
      attribute: {
        prefixes: ['attributes'],
        fields: {
          name: { type: 'string', ops: ['=', '!=', 'LIKE', 'ILIKE'] },
          run_id: { type: 'string', ops: ['=', '!=', 'IN'] },
          version_number: { type: 'number', ops: ['=', '>'] },
        },
      },
      tag: { prefixes: ['tags'], anyKey: { type: 'string', ops: ['=', '!='] } },
    },
  };

  it('accepts its own fields and refuses the rest', () => {
    expect(parseFilter("name = 'wine' and run_id IN ('a') and version_number > 2 and tags.k = 'v'", registry)).toEqual([
      str('attribute', 'name', '=', 'wine'),
      list('attribute', 'run_id', 'IN', ['a']),
      num('attribute', 'version_number', '>', 2),
      str('tag', 'k', '=', 'v'),
    ]);
    expect(errorOf("source = 'x'", registry).message).toContain(
      "invalid attribute key 'source'; valid keys are name, run_id, version_number",
    );
    expect(errorOf("tags.k LIKE 'x'", registry).message).toContain(
      "invalid comparator 'LIKE' for tag 'k'; use one of =, !=",
    );
  });

  it('requires a prefix when the grammar has no bare entity', () => {
    const strict: FilterGrammar = { ...registry, bareEntity: undefined };
    expect(errorOf("name = 'x'", strict).message).toContain("'name' needs a prefix: one of attributes, tags");
  });
});
