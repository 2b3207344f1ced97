import { describe, expect, it } from 'vitest';
import type { Digest } from '../../domain/digest.js';
import { createMemoryObjectStore, MemoryObjectStore } from './memory-object-store.js';
import { describeObjectBatches, describeObjectStore } from './object-store.contract.js';
import { chunkedStream, flipByte, patternBytes, readAll } from './testing/test-bytes.js';

const memoryFixture = async () => {
  const store = new MemoryObjectStore('memory://contract');
  return {
    store,
    corrupt: async (digest: Digest) =>
      store.overwriteForTesting(digest, flipByte(await readAll(await store.get(digest)))),
    cleanup: () => store.close(),
  };
};

describeObjectStore('memory', memoryFixture);
describeObjectBatches('memory', memoryFixture);

describe('memory object store', () => {
  it('gives every open its own empty store, named by its URI', async () => {
    const first = await createMemoryObjectStore('memory://shared');
    const second = await createMemoryObjectStore('memory://shared');
    const info = await first.put(chunkedStream(patternBytes(10)));
    expect(await first.has(info.digest)).toBe(true);
    expect(await second.has(info.digest)).toBe(false);
    expect(second.uri).toBe('memory://shared');
  });
});
