import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedModel } from '../../models/load-model.js';
import { loadModel } from '../../models/load-model.js';
import { parseScoringRequest } from '../../models/scoring/parse-scoring-request.js';
import { toModelFeeds } from '../../models/scoring/to-model-feeds.js';
import type { Feeds, Tensor } from '../../models/tensor/tensor.js';
import { type ServingFixture, servingFixture, THREADS } from '../testing/serving-fixture.js';
import { wineRow } from '../testing/wine-model.js';
import { type BatchingOptions, DEFAULT_BATCHING, MicroBatcher } from './micro-batcher.js';

let fixture: ServingFixture;
let model: LoadedModel;

beforeAll(async () => {
  fixture = await servingFixture();
  model = await loadModel(fixture.folders[0], THREADS);
});

afterAll(async () => {
  await model.close();
  await fixture.cleanup();
});

const feedsFor = (start: number, rows: number): Feeds =>
  toModelFeeds(
    parseScoringRequest({ inputs: Array.from({ length: rows }, (_, i) => wineRow(start + i)) }).payload,
    model,
  ).feeds;

const plain = (outputs: Record<string, Tensor>) =>
  Object.fromEntries(
    Object.entries(outputs).map(([name, t]) => [
      name,
      { shape: [...t.shape], data: Array.from(t.data as ArrayLike<unknown>) },
    ]),
  );

/** A batcher whose inference calls wait until `release()`: the first call holds the others in the queue. */
function gatedBatcher(options: Partial<BatchingOptions>) {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const run = async (feeds: Feeds) => {
    await gate;
    return model.predict(feeds);
  };
  return { batcher: new MicroBatcher(run, { ...DEFAULT_BATCHING, ...options }), release: () => release() };
}

describe('MicroBatcher', () => {
  it('gives every concurrent caller exactly its own rows, batching them into fewer calls', async () => {
    const batches: number[] = [];
    const batcher = new MicroBatcher(
      (feeds) => model.predict(feeds),
      { ...DEFAULT_BATCHING, maxBatchRows: 64 },
      (rows) => batches.push(rows),
    );
    const sizes = Array.from({ length: 200 }, (_, i) => 1 + ((i * 7919) % 13));
    let start = 0;
    const requests = sizes.map((rows) => {
      const feeds = feedsFor(start, rows);
      start += rows;
      return { feeds, answer: batcher.submit(feeds) };
    });
    for (const { feeds, answer } of requests) expect(plain(await answer)).toEqual(plain(await model.predict(feeds)));
    expect(batches.reduce((a, b) => a + b, 0)).toBe(sizes.reduce((a, b) => a + b, 0));
    expect(batches.length).toBeLessThan(sizes.length / 2);
    expect(Math.max(...batches)).toBeLessThanOrEqual(64);
    expect(batcher.pending).toBe(0);
  });

  it('runs a lone request at once, alone', async () => {
    const batches: number[] = [];
    const batcher = new MicroBatcher(
      (feeds) => model.predict(feeds),
      DEFAULT_BATCHING,
      (rows) => batches.push(rows),
    );
    for (let i = 0; i < 5; i++) await batcher.submit(feedsFor(i, 3));
    expect(batches).toEqual([3, 3, 3, 3, 3]);
  });

  it('with batching off, makes one call per request', async () => {
    const batches: number[] = [];
    const batcher = new MicroBatcher(
      (f) => model.predict(f),
      { ...DEFAULT_BATCHING, enabled: false },
      (rows) => batches.push(rows),
    );
    await Promise.all(Array.from({ length: 20 }, (_, i) => batcher.submit(feedsFor(i, 2))));
    expect(batches).toEqual(Array.from({ length: 20 }, () => 2));
  });

  it('fails only the request a batch failed for, never its neighbours', async () => {
    const firstValues = (feeds: Feeds) => feeds.input?.data as Float32Array;
    const poison = (feeds: Feeds) => firstValues(feeds)[0] === -1;
    const batcher = new MicroBatcher(async (feeds) => {
      const data = firstValues(feeds);
      for (let i = 0; i < data.length; i += 11) if (data[i] === -1) throw new Error('bad row');
      return model.predict(feeds);
    });
    const good = Array.from({ length: 10 }, (_, i) => feedsFor(i, 2));
    const bad = feedsFor(0, 1);
    firstValues(bad)[0] = -1;
    const all = [...good.slice(0, 5), bad, ...good.slice(5)].map((feeds) => ({ feeds, answer: batcher.submit(feeds) }));
    for (const { feeds, answer } of all) {
      if (poison(feeds)) await expect(answer).rejects.toThrow('bad row');
      else await expect(answer).resolves.toBeDefined();
    }
  });

  it('refuses with 503 (TEMPORARILY_UNAVAILABLE) past the queue bound instead of queueing without end', async () => {
    const { batcher, release } = gatedBatcher({ maxQueueRows: 10 });
    const first = batcher.submit(feedsFor(0, 1));
    const queued = [batcher.submit(feedsFor(0, 6)), batcher.submit(feedsFor(0, 4))];
    const refused = batcher.submit(feedsFor(0, 1));
    await expect(refused).rejects.toMatchObject({ code: 'TEMPORARILY_UNAVAILABLE' });
    release();
    await expect(first).resolves.toBeDefined();
    await expect(Promise.all(queued)).resolves.toHaveLength(2);
  });

  it('refuses requests that waited past the queue timeout', async () => {
    const { batcher, release } = gatedBatcher({ queueTimeoutMs: 20 });
    const first = batcher.submit(feedsFor(0, 1));
    const late = batcher.submit(feedsFor(0, 1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await expect(first).resolves.toBeDefined();
    await expect(late).rejects.toMatchObject({ code: 'TEMPORARILY_UNAVAILABLE' });
    await batcher.drained();
  });
});
