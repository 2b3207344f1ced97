import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../models/tensor/tensor.js';
import { predictionsJson, rowPredictions } from './predict-json.js';

const f32 = (shape: number[], values: number[]): Tensor => ({
  dtype: 'float32',
  shape,
  data: new Float32Array(values),
});
const f64 = (shape: number[], values: number[]): Tensor => ({
  dtype: 'float64',
  shape,
  data: new Float64Array(values),
});
const i64 = (shape: number[], values: bigint[]): Tensor => ({ dtype: 'int64', shape, data: new BigInt64Array(values) });

/** What the answer was before: the objects, then JSON.stringify. */
const reference = (outputs: Record<string, Tensor>, rows: number) =>
  JSON.stringify({ predictions: rowPredictions(outputs, rows) });

const expectSame = (outputs: Record<string, Tensor>, rows: number) =>
  expect(predictionsJson(outputs, rows)).toBe(reference(outputs, rows));

describe('predictionsJson', () => {
  it('writes a classifier answer (label and probabilities) as records, byte for byte as JSON.stringify', () => {
    const outputs = {
      probabilities: f32([2, 3], [0.1, 0.7, 0.2, 4.850498258254787e-13, 0.9998873472213745, 3.17e-8]),
      label: i64([2], [4n, 5n]),
    };
    expectSame(outputs, 2);
    expect(JSON.parse(predictionsJson(outputs, 2)).predictions[1].label).toBe(5);
  });

  it('writes a single output as one value or list per row, for every rank', () => {
    expectSame({ y: f64([3], [1.5, -2, 1e21]) }, 3);
    expectSame({ y: f64([3, 1], [1.5, -2, 3]) }, 3);
    expectSame({ y: f64([2, 3], [1, 2, 3, 4, 5, 6]) }, 2);
    expectSame({ y: f64([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]) }, 2);
    expectSame({ y: f64([2, 0], []) }, 2);
    expectSame({ y: f64([0, 4], []) }, 0);
  });

  it('writes NaN and ±Infinity as null and -0 as 0, as JSON does', () => {
    expectSame({ y: f64([1, 4], [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0]) }, 1);
    expectSame({ a: f32([2], [Number.NaN, 1]), b: f32([2], [-0, Number.POSITIVE_INFINITY]) }, 2);
  });

  it('writes int64 beyond 2^53 as strings, booleans as booleans, strings escaped, small integers as numbers', () => {
    expectSame({ big: i64([2], [2n ** 60n, -(2n ** 53n)]), small: i64([2], [7n, -(2n ** 53n) + 1n]) }, 2);
    expectSame({ u: { dtype: 'uint64', shape: [1], data: new BigUint64Array([2n ** 64n - 1n]) } }, 1);
    expectSame({ flag: { dtype: 'bool', shape: [3], data: new Uint8Array([0, 1, 2]) } }, 3);
    expectSame({ name: { dtype: 'string', shape: [2], data: ['a "quoted" <b>', 'é\n\u2028'] } }, 2);
    expectSame({ n: { dtype: 'int8', shape: [2, 2], data: new Int8Array([-128, 127, 0, -1]) } }, 2);
    expectSame({ n: { dtype: 'uint32', shape: [1], data: new Uint32Array([4294967295]) } }, 1);
  });

  it('keeps the keys of oddly named outputs in the same order, and __proto__ a plain key', () => {
    const outputs = {
      ['__proto__']: f32([1], [1]),
      '10': f32([1], [2]),
      '2': f32([1], [3]),
      '"quoted"': f32([1], [4]),
    } as Record<string, Tensor>;
    expectSame(outputs, 1);
    expect(Object.keys(JSON.parse(predictionsJson(outputs, 1)).predictions[0])).toContain('__proto__');
  });

  it('answers no outputs with empty records, and tensors short of their shape as before', () => {
    expectSame({}, 2);
    expectSame({ y: f32([3, 2], [1, 2, 3]) }, 3);
    expectSame({ a: f32([2], [1, 2]), b: f32([1], [3]) }, 2);
  });
});
