import { describe, expect, it } from 'vitest';
import { predictRequestSchema } from '../../contract/inference/predict.js';
import { parseScoringRequest } from '../../models/scoring/parse-scoring-request.js';
import { type ModelInputs, toModelFeeds } from '../../models/scoring/to-model-feeds.js';
import type { ColumnSpec } from '../../models/signature/model-signature.js';
import type { TensorInfo } from '../../models/tensor/tensor.js';
import { listRows, numericRowFeeds } from './predict-rows.js';

const columns = (n: number, type: ColumnSpec['type'] = 'double', required = true): ColumnSpec[] =>
  Array.from({ length: n }, (_, i) => ({ name: `c${i}`, type, required }));

const model = (specs: ColumnSpec[] | undefined, inputs: TensorInfo[]): ModelInputs => ({
  signature: specs === undefined ? undefined : { inputs: { kind: 'columns', columns: specs } },
  inputs,
});

const matrix = (dtype: TensorInfo['dtype'], shape: TensorInfo['shape'] = [null, 3]): TensorInfo[] => [
  { name: 'input', dtype, shape },
];

/** What the full conversion does with the rows: its feeds, or its error. */
const converted = (rows: unknown[], m: ModelInputs) => {
  try {
    return toModelFeeds(parseScoringRequest({ instances: rows }).payload, m);
  } catch (error) {
    return error;
  }
};

describe('listRows', () => {
  it('takes {"inputs": [[…], …]} as the schema does, and leaves everything else to the schema', () => {
    const accepted = [{ inputs: [[1, 2]] }, { inputs: [[], ['a', null]] }];
    for (const body of accepted) {
      expect(listRows(body)).toEqual(predictRequestSchema.parse(body).inputs);
    }
    const others: unknown[] = [
      null,
      'x',
      [[1]],
      {},
      { inputs: [] },
      { inputs: 'x' },
      { inputs: [[1]], extra: 1 },
      { inputs: [{ c0: 1 }] },
      { inputs: [[1], { c0: 1 }] },
      { inputs: [1, 2] },
    ];
    for (const body of others) expect(listRows(body)).toBeUndefined();
  });
});

describe('numericRowFeeds', () => {
  const floatModels = [
    model(columns(3), matrix('float32')),
    model(columns(3, 'float', false), matrix('float64')),
    model(columns(3), matrix('float32', undefined)),
    model(columns(3), matrix('float64', [null, null])),
  ];
  const otherModels = [
    model(columns(3, 'long'), matrix('float32')),
    model([...columns(2), { name: 'flag', type: 'boolean', required: true }], matrix('float32')),
    model(columns(3), matrix('int32')),
    model(columns(3), matrix('float32', [null])),
    model(columns(3), matrix('float32', [null, 4])),
    model(columns(3), [...matrix('float32'), { name: 'other', dtype: 'float32', shape: [null, 3] }]),
    model(undefined, matrix('float32')),
  ];
  const plainRows = [
    [[1, 2, 3]],
    [
      [0.1, -0, 1e300],
      [4, 5, 6],
    ],
  ];
  const oddRows: unknown[][][] = [
    [[1, 2]],
    [[1, 2, 3, 4]],
    [
      [1, 2, 3],
      [1, 2],
    ],
    [[1, null, 3]],
    [[1, '2', 3]],
    [[1, true, 3]],
    [[Number.NaN, 2, 3]],
    [[1, Number.POSITIVE_INFINITY, 3]],
  ];

  it('builds exactly the feeds toModelFeeds builds, for plain numeric rows and float models', () => {
    for (const m of floatModels) {
      for (const rows of plainRows) expect(numericRowFeeds(rows, m)).toEqual(converted(rows, m));
    }
  });

  it('leaves every other model and row to toModelFeeds (which converts it or names the problem)', () => {
    for (const m of otherModels) for (const rows of plainRows) expect(numericRowFeeds(rows, m)).toBeUndefined();
    for (const m of floatModels) {
      for (const rows of oddRows) expect(numericRowFeeds(rows as unknown[][], m)).toBeUndefined();
    }
  });
});
