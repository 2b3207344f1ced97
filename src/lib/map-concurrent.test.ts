import { describe, expect, it } from 'vitest';
import { mapConcurrent } from './map-concurrent.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('mapConcurrent', () => {
  it('keeps input order and never exceeds the limit', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapConcurrent([5, 1, 4, 2, 3, 0, 2, 1], 3, async (item, index) => {
      running += 1;
      peak = Math.max(peak, running);
      await tick(item);
      running -= 1;
      return `${index}:${item}`;
    });
    expect(results).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3', '5:0', '6:2', '7:1']);
    expect(peak).toBe(3);
  });

  it('starts no new calls after a failure and rejects with it', async () => {
    const started: number[] = [];
    const run = mapConcurrent([0, 1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      await tick(1);
      if (item === 1) throw new Error('item 1 failed');
      return item;
    });
    await expect(run).rejects.toThrow('item 1 failed');
    await tick(20);
    expect(started.length).toBeLessThanOrEqual(3);
  });

  it('handles an empty list and rejects a bad limit', async () => {
    expect(await mapConcurrent([], 4, async () => 1)).toEqual([]);
    await expect(mapConcurrent([1], 0, async () => 1)).rejects.toThrow(RangeError);
  });
});
