import { describe, expect, it } from 'vitest';
import { concatRows, sliceRows, type Tensor, tensorToJson } from './tensor.js';

describe('batching helpers', () => {
  it('stacks requests of different sizes and splits the outputs back, each caller its own rows', () => {
    const a: Tensor<'float32'> = { dtype: 'float32', shape: [1, 2], data: Float32Array.from([1, 2]) };
    const b: Tensor<'float32'> = { dtype: 'float32', shape: [3, 2], data: Float32Array.from([3, 4, 5, 6, 7, 8]) };
    const batch = concatRows([a, b]);
    expect(batch.shape).toEqual([4, 2]);
    expect(tensorToJson(sliceRows(batch, 0, 1))).toEqual([[1, 2]]);
    expect(tensorToJson(sliceRows(batch, 1, 4))).toEqual([
      [3, 4],
      [5, 6],
      [7, 8],
    ]);
  });

  it('stacks strings and int64, and refuses tensors that do not stack', () => {
    const s = concatRows<'string'>([
      { dtype: 'string', shape: [1], data: ['a'] },
      { dtype: 'string', shape: [2], data: ['b', 'c'] },
    ]);
    expect(s.data).toEqual(['a', 'b', 'c']);
    const i = concatRows<'int64'>([{ dtype: 'int64', shape: [1], data: BigInt64Array.from([2n ** 60n]) }]);
    expect(tensorToJson(i)).toEqual([(2n ** 60n).toString()]);
    expect(() =>
      concatRows<'float32'>([
        { dtype: 'float32', shape: [1, 2], data: new Float32Array(2) },
        { dtype: 'float32', shape: [1, 3], data: new Float32Array(3) },
      ]),
    ).toThrow(/does not stack/);
  });

  it('renders NaN as null and bool as booleans', () => {
    expect(tensorToJson({ dtype: 'float64', shape: [2], data: Float64Array.from([Number.NaN, 1]) })).toEqual([null, 1]);
    expect(tensorToJson({ dtype: 'bool', shape: [2], data: Uint8Array.from([1, 0]) })).toEqual([true, false]);
  });
});
