import { describe, expect, it } from 'vitest';
import type { Feeds, Tensor } from '../../models/tensor/tensor.js';
import { DEFAULT_BATCHING, MicroBatcher, type Outputs } from './micro-batcher.js';

/** Rows of `width` float64s, each row's values `id * 100 + column`, so every row names its request. */
const feedsOf = (id: number, rows: number, width: number): Feeds => ({
  x: {
    dtype: 'float64',
    shape: [rows, width],
    data: Float64Array.from({ length: rows * width }, (_, i) => id * 100 + (i % width)),
  },
});

/** A runtime answering each row's values doubled, and the widths of the calls it got. */
function doubling() {
  const calls: { rows: number; width: number }[] = [];
  const run = async (feeds: Feeds): Promise<Outputs> => {
    const x = feeds.x as Tensor<'float64'>;
    calls.push({ rows: x.shape[0] ?? 0, width: x.shape[1] ?? 0 });
    await new Promise((resolve) => setImmediate(resolve));
    return { y: { dtype: 'float64', shape: [...x.shape], data: x.data.map((v) => v * 2) } };
  };
  return { run, calls };
}

describe('MicroBatcher layouts', () => {
  it('batches only requests of the same layout, in arrival order, each getting its own rows', async () => {
    const { run, calls } = doubling();
    const batcher = new MicroBatcher(run, { ...DEFAULT_BATCHING, maxBatchRows: 8 });
    const requests = Array.from({ length: 40 }, (_, id) => {
      const rows = 1 + (id % 3);
      const width = id % 4 === 0 ? 3 : 2;
      return { id, rows, width, answer: batcher.submit(feedsOf(id, rows, width)) };
    });
    for (const { id, rows, width, answer } of requests) {
      const y = (await answer).y as Tensor<'float64'>;
      expect(y.shape).toEqual([rows, width]);
      expect(Array.from(y.data)).toEqual(Array.from({ length: rows * width }, (_, i) => 2 * (id * 100 + (i % width))));
    }
    expect(calls.length).toBeLessThan(requests.length);
    expect(Math.max(...calls.map((c) => c.rows))).toBeLessThanOrEqual(8);
    expect(calls.reduce((sum, c) => sum + c.rows * c.width, 0)).toBe(
      requests.reduce((sum, r) => sum + r.rows * r.width, 0),
    );
    expect(batcher.pending).toBe(0);
  });
});
