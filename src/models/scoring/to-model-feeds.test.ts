import { describe, expect, it } from 'vitest';
import { columnSchema, type ModelSignature } from '../signature/model-signature.js';
import type { TensorInfo } from '../tensor/tensor.js';
import { parseScoringRequest } from './parse-scoring-request.js';
import { outputRecords } from './render-predictions.js';
import { type ModelInputs, toModelFeeds } from './to-model-feeds.js';

const MATRIX: TensorInfo = { name: 'input', dtype: 'float32', shape: [null, 3] };
const signature: ModelSignature = {
  inputs: {
    kind: 'columns',
    columns: [
      { name: 'a', type: 'double', required: true },
      { name: 'n', type: 'long', required: true },
      { name: 'opt', type: 'double', required: false },
    ],
  },
};
const tabular: ModelInputs = { signature, inputs: [MATRIX] };

const feed = (body: unknown, model: ModelInputs = tabular) => toModelFeeds(parseScoringRequest(body).payload, model);
const refusal = (body: unknown, model: ModelInputs = tabular): string => {
  try {
    feed(body, model);
  } catch (error) {
    expect(error).toMatchObject({ code: 'BAD_REQUEST' });
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('toModelFeeds with a column signature', () => {
  it.each([
    [
      'dataframe_split',
      {
        dataframe_split: {
          columns: ['n', 'a', 'opt'],
          data: [
            [1, 0.5, 2],
            [2, 1.5, null],
          ],
        },
      },
    ],
    [
      'dataframe_records',
      {
        dataframe_records: [
          { a: 0.5, n: 1, opt: 2 },
          { n: 2, a: 1.5 },
        ],
      },
    ],
    [
      'instances (records)',
      {
        instances: [
          { a: 0.5, n: 1, opt: 2 },
          { a: 1.5, n: 2, opt: null },
        ],
      },
    ],
    ['inputs (columns)', { inputs: { a: [0.5, 1.5], n: [1, 2], opt: [2, null] } }],
    [
      'inputs (rows, positional)',
      {
        inputs: [
          [0.5, 1, 2],
          [1.5, 2, null],
        ],
      },
    ],
  ])('%s feeds one [rows, columns] matrix in signature order', (_name, body) => {
    const { feeds, rows } = feed(body);
    expect(rows).toBe(2);
    expect(feeds.input?.shape).toEqual([2, 3]);
    expect(Array.from(feeds.input?.data as Float32Array)).toEqual([0.5, 1, 2, 1.5, 2, Number.NaN]);
  });

  it.each([
    ['a missing required column', { dataframe_records: [{ a: 1 }] }, /Missing required column "n"/],
    [
      'an extra column',
      { dataframe_split: { columns: ['a', 'n', 'zz<script>'], data: [[1, 2, 3]] } },
      /Unexpected columns "zz\\u003cscript\\u003e"/,
    ],
    [
      'null in a required column',
      {
        dataframe_split: {
          columns: ['a', 'n'],
          data: [
            [1, 2],
            [null, 3],
          ],
        },
      },
      /Column "a" row 1: null is not a finite number/,
    ],
    [
      'a string where a number goes',
      {
        dataframe_records: [
          { a: 1, n: 1 },
          { a: 2, n: 1 },
          { a: '3', n: 1 },
        ],
      },
      /Column "a" row 2: "3" is not/,
    ],
    [
      'a fraction in a long column',
      { dataframe_records: [{ a: 1, n: 1.5 }] },
      /Column "n" row 0: 1.5 is not an integer/,
    ],
    ['a positional row of the wrong width', { inputs: [[1, 2]] }, /Each row needs 3 values/],
    [
      'ragged split data',
      { dataframe_split: { columns: ['a', 'n'], data: [[1, 2], [3]] } },
      /row 1 has 1 values; expected 2/,
    ],
  ])('refuses %s, naming the column and row', (_name, body, message) => {
    expect(refusal(body)).toMatch(message);
  });
});

describe('toModelFeeds with tensors', () => {
  const tensorModel: ModelInputs = {
    signature: { inputs: { kind: 'tensors', tensors: [{ dtype: 'float32', shape: [-1, 2] }] } },
    inputs: [{ name: 'x', dtype: 'float32', shape: [null, 2] }],
  };
  const twoInputs: ModelInputs = {
    signature: undefined,
    inputs: [
      { name: 'x', dtype: 'float32', shape: [null, 2] },
      { name: 'ids', dtype: 'int64', shape: [null] },
    ],
  };

  it('feeds an unnamed tensor to the single input', () => {
    const { feeds, rows } = feed(
      {
        instances: [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
      },
      tensorModel,
    );
    expect(rows).toBe(3);
    expect(feeds.x).toMatchObject({ dtype: 'float32', shape: [3, 2] });
  });

  it('feeds named tensors by name, int64 as BigInt64Array', () => {
    const { feeds } = feed({ inputs: { x: [[1, 2]], ids: [7] } }, twoInputs);
    expect(Array.from(feeds.ids?.data as BigInt64Array)).toEqual([7n]);
  });

  it.each([
    ['a wrong shape', { inputs: [[1, 2, 3]] }, tensorModel, /shape \[1, 3\]; the model takes \[-1, 2\]/],
    ['ragged arrays', { inputs: [[1, 2], [3]] }, tensorModel, /ragged/],
    [
      'null in a tensor',
      {
        inputs: [
          [1, 2],
          [3, null],
        ],
      },
      tensorModel,
      /Input "x" row 1 at \[1\]: null is not a finite number/,
    ],
    ['a missing input', { inputs: { x: [[1, 2]] } }, twoInputs, /Missing input "ids"/],
    ['an extra input', { inputs: { x: [[1, 2]], ids: [1], y: [1] } }, twoInputs, /Unexpected inputs "y"/],
    ['an unnamed tensor for two inputs', { inputs: [[1, 2]] }, twoInputs, /send them by name/],
    [
      'rows that differ between inputs',
      { inputs: { x: [[1, 2]], ids: [1, 2] } },
      twoInputs,
      /different numbers of rows/,
    ],
    ['an integer out of range', { inputs: { x: [[1, 2]], ids: [2 ** 60] } }, twoInputs, /not an integer/],
  ])('refuses %s', (_name, body, model, message) => {
    expect(refusal(body, model)).toMatch(message);
  });
});

describe('parseScoringRequest', () => {
  it.each([
    [[1, 2], /received a list/],
    [{}, /exactly one of .* it has none/],
    [{ inputs: [1], instances: [1] }, /it has instances and inputs/],
    [{ inputs: [1], extra: 1 }, /Unexpected keys next to inputs: "extra"/],
    [{ dataframe_split: { data: [[1]], orient: 'x' } }, /may only have columns, data and index/],
    [{ signature_name: 'x', inputs: [1] }, /signature_name/],
    [{ dataframe_records: [1, 2] }, /list of objects/],
    [{ inputs: [1], params: [1] }, /params must be a JSON object/],
  ])('refuses %j', (body, message) => {
    expect(() => parseScoringRequest(body)).toThrow(message);
  });

  it('bounds the rows before converting anything', () => {
    const limits = { maxRows: 2, maxElements: 100, maxRank: 4 };
    expect(() => parseScoringRequest({ inputs: [[1], [2], [3]] }, limits)).toThrow(/more than 2 rows/);
    expect(() => parseScoringRequest({ dataframe_records: [{}, {}, {}] }, limits)).toThrow(/more than 2 rows/);
  });
});

describe('outputRecords', () => {
  it('gives one record per row: scalars for one value, lists for a vector, int64 as numbers', () => {
    const outputs = {
      label: { dtype: 'int64', shape: [2], data: BigInt64Array.from([5n, 6n]) },
      probabilities: { dtype: 'float32', shape: [2, 2], data: Float32Array.from([0.25, 0.75, 0.5, 0.5]) },
    } as const;
    expect(outputRecords(outputs, 2)).toEqual([
      { label: 5, probabilities: [0.25, 0.75] },
      { label: 6, probabilities: [0.5, 0.5] },
    ]);
  });
});

it('keeps an output named __proto__ a plain property', () => {
  const outputs = JSON.parse('{"__proto__": {"dtype": "float32", "shape": [1], "data": [1]}}');
  outputs.__proto__.data = Float32Array.from([1]);
  const [record] = outputRecords(outputs, 1);
  expect(Object.keys(record ?? {})).toEqual(['__proto__']);
  expect(({} as Record<string, unknown>).dtype).toBeUndefined();
});

it('a column signature helper builds required double columns', () => {
  expect(columnSchema(['x'])).toEqual({ kind: 'columns', columns: [{ name: 'x', type: 'double', required: true }] });
});
