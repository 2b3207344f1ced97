import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Digest } from '../../domain/digest.js';
import {
  chunkedStream,
  collect,
  failingStream,
  MIB,
  patternBytes,
  readAll,
  readUntilError,
  sha256Of,
} from './testing/test-bytes.js';
import { type ObjectBatches, type ObjectStore, supportsBatches } from './types.js';

export interface ObjectStoreFixture {
  readonly store: ObjectStore;
  /** Replaces the stored bytes of `digest` with different bytes of the same length, bypassing the store. */
  corrupt(digest: Digest): Promise<void>;
  cleanup(): Promise<void>;
}

const EMPTY_DIGEST: Digest = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const randomDigest = (): Digest => `sha256:${randomBytes(32).toString('hex')}`;
/** Byte equality without the deep-equality walk over every index that makes toEqual crawl on MiB buffers. */
const expectSameBytes = (actual: Buffer, expected: Buffer) => {
  expect(actual.byteLength).toBe(expected.byteLength);
  expect(actual.equals(expected)).toBe(true);
};
const put = (store: ObjectStore, bytes: Buffer) => store.put(chunkedStream(bytes));

/** The behaviour every ObjectStore adapter must have. Call it from each adapter's test file. */
export const describeObjectStore = (name: string, make: () => Promise<ObjectStoreFixture>): void => {
  describe(`ObjectStore contract: ${name}`, () => {
    let fixture: ObjectStoreFixture;
    let store: ObjectStore;
    beforeEach(async () => {
      fixture = await make();
      store = fixture.store;
    });
    afterEach(async () => fixture.cleanup());

    describeRoundTrips(() => store);
    describeQueries(() => store);
    describeFailures(() => ({ store, fixture }));
  });
};

const describeRoundTrips = (current: () => ObjectStore) => {
  it.each([
    ['empty', 0],
    ['small', 5],
    ['multi-MiB', 6 * MIB + 123],
  ])('round-trips a %s object, returning its sha256 digest and size', async (_label, size) => {
    const bytes = patternBytes(size, size + 1);
    const info = await put(current(), bytes);
    expect(info).toEqual({ digest: sha256Of(bytes), size });
    expectSameBytes(await readAll(await current().get(info.digest)), bytes);
  });

  it('puts the empty object under the well-known empty digest', async () => {
    expect((await current().put(Readable.from([]))).digest).toBe(EMPTY_DIGEST);
    expect(await current().stat(EMPTY_DIGEST)).toEqual({ digest: EMPTY_DIGEST, size: 0 });
  });

  it('stores identical content once (idempotent re-put)', async () => {
    const bytes = patternBytes(100_000, 3);
    const first = await put(current(), bytes);
    const second = await put(current(), bytes);
    expect(second).toEqual(first);
    expect(await collect(current().list())).toEqual([first.digest]);
    expectSameBytes(await readAll(await current().get(first.digest)), bytes);
  });

  it('handles concurrent puts of the same content', async () => {
    const bytes = patternBytes(2 * MIB + 17, 4);
    const infos = await Promise.all(Array.from({ length: 5 }, () => put(current(), bytes)));
    for (const info of infos) expect(info).toEqual({ digest: sha256Of(bytes), size: bytes.byteLength });
    expect(await collect(current().list())).toEqual([sha256Of(bytes)]);
    expectSameBytes(await readAll(await current().get(sha256Of(bytes))), bytes);
  });

  it('accepts a put whose expectedDigest matches, new or already stored', async () => {
    const bytes = patternBytes(300_000, 5);
    const options = { expectedDigest: sha256Of(bytes) };
    expect(await current().put(chunkedStream(bytes), options)).toEqual({ digest: sha256Of(bytes), size: 300_000 });
    expect(await current().put(chunkedStream(bytes), options)).toEqual({ digest: sha256Of(bytes), size: 300_000 });
    expectSameBytes(await readAll(await current().get(sha256Of(bytes))), bytes);
  });
};

const describeQueries = (current: () => ObjectStore) => {
  it('answers has and stat for present and absent objects', async () => {
    const info = await put(current(), patternBytes(1000, 6));
    const absent = randomDigest();
    expect(await current().has(info.digest)).toBe(true);
    expect(await current().has(absent)).toBe(false);
    expect(await current().stat(info.digest)).toEqual({ digest: info.digest, size: 1000 });
    expect(await current().stat(absent)).toBeUndefined();
  });

  it('reports missing digests in input order without duplicates', async () => {
    const present = await put(current(), patternBytes(10, 7));
    const [a, b] = [randomDigest(), randomDigest()];
    expect(await current().missing([b, present.digest, a, b, present.digest, a])).toEqual([b, a]);
    expect(await current().missing([])).toEqual([]);
  });

  it('answers missing for 10,000 digests', async () => {
    const present = await put(current(), patternBytes(10, 8));
    const absent = Array.from({ length: 10_000 }, randomDigest);
    const query = [...absent.slice(0, 5000), present.digest, ...absent.slice(5000)];
    expect(await current().missing(query)).toEqual(absent);
  });

  it('lists every object once', async () => {
    expect(await collect(current().list())).toEqual([]);
    const infos = await Promise.all([1, 2, 3].map((seed) => put(current(), patternBytes(500 + seed, seed))));
    const listed = await collect(current().list());
    expect(listed.sort()).toEqual(infos.map((info) => info.digest).sort());
  });

  it('deletes objects, and deleting an absent object is not an error', async () => {
    const kept = await put(current(), patternBytes(10, 9));
    const gone = await put(current(), patternBytes(10, 10));
    await current().delete(gone.digest);
    await current().delete(gone.digest);
    await current().delete(randomDigest());
    expect(await current().has(gone.digest)).toBe(false);
    expect(await collect(current().list())).toEqual([kept.digest]);
    await expect(current().get(gone.digest)).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('fails get of an absent object with RESOURCE_DOES_NOT_EXIST naming the digest', async () => {
    const absent = randomDigest();
    await expect(current().get(absent)).rejects.toMatchObject({
      code: 'RESOURCE_DOES_NOT_EXIST',
      message: expect.stringContaining(absent),
    });
  });
};

const describeFailures = (current: () => { store: ObjectStore; fixture: ObjectStoreFixture }) => {
  it('rejects a put whose bytes do not match expectedDigest with CORRUPT_OBJECT, storing nothing', async () => {
    const { store } = current();
    const bytes = patternBytes(6 * MIB, 11);
    const expectedDigest = randomDigest();
    await expect(store.put(chunkedStream(bytes), { expectedDigest })).rejects.toMatchObject({
      code: 'CORRUPT_OBJECT',
      message: expect.stringContaining(expectedDigest),
    });
    expect(await store.has(sha256Of(bytes))).toBe(false);
    expect(await store.has(expectedDigest)).toBe(false);
    expect(await collect(store.list())).toEqual([]);
  });

  it('rejects mismatching bytes for an expectedDigest that is already stored', async () => {
    const { store } = current();
    const stored = await put(store, patternBytes(1000, 12));
    const other = patternBytes(1000, 13);
    const put2 = store.put(chunkedStream(other), { expectedDigest: stored.digest });
    await expect(put2).rejects.toMatchObject({ code: 'CORRUPT_OBJECT' });
    expect(await collect(store.list())).toEqual([stored.digest]);
  });

  it('fails the get stream of a corrupted object with CORRUPT_OBJECT before delivering all its bytes', async () => {
    const { store, fixture } = current();
    const info = await put(store, patternBytes(3 * MIB, 14));
    await fixture.corrupt(info.digest);
    const { received, error } = await readUntilError(await store.get(info.digest));
    expect(error).toMatchObject({ code: 'CORRUPT_OBJECT', message: expect.stringContaining(info.digest) });
    expect((error as { hint?: string }).hint).toBeTruthy();
    expect(received).toBeLessThan(info.size);
  });

  it('stores nothing when the source stream fails midway', async () => {
    const { store } = current();
    const failure = new Error('source disk unplugged');
    await expect(store.put(failingStream(6 * MIB, failure))).rejects.toThrow('source disk unplugged');
    await expect(store.put(failingStream(1000, failure), { expectedDigest: randomDigest() })).rejects.toThrow(
      'source disk unplugged',
    );
    expect(await collect(store.list())).toEqual([]);
    expect(await store.has(sha256Of(patternBytes(6 * MIB, 7)))).toBe(false);
  });
};

/**
 * The behaviour of the optional ObjectBatches capability. Call it (beside describeObjectStore) from the test file of
 * every adapter that has it.
 */
export const describeObjectBatches = (name: string, make: () => Promise<ObjectStoreFixture>): void => {
  describe(`ObjectBatches contract: ${name}`, () => {
    let fixture: ObjectStoreFixture;
    let store: ObjectStore & ObjectBatches;
    beforeEach(async () => {
      fixture = await make();
      if (!supportsBatches(fixture.store)) throw new Error(`${name} does not implement ObjectBatches`);
      store = fixture.store;
    });
    afterEach(async () => fixture.cleanup());

    describeBatchWrites(() => store);
    describeBatchReads(() => ({ store, fixture }));
  });
};

const objectOf = (bytes: Buffer) => ({ digest: sha256Of(bytes), bytes });

const describeBatchWrites = (current: () => ObjectStore & ObjectBatches) => {
  it('writes many objects, answering in input order, duplicates and the empty object included', async () => {
    const objects = [patternBytes(3000, 21), patternBytes(0), patternBytes(70_000, 22), patternBytes(3000, 21)];
    const results = await current().writeMany(objects.map(objectOf));
    expect(results).toEqual(objects.map((bytes) => ({ digest: sha256Of(bytes), size: bytes.byteLength })));
    for (const bytes of objects) expectSameBytes(await readAll(await current().get(sha256Of(bytes))), bytes);
    expect((await collect(current().list())).sort()).toEqual([...new Set(objects.map(sha256Of))].sort());
  });

  it('refuses only the objects whose bytes do not match their digest, storing nothing for them', async () => {
    const good = patternBytes(5000, 23);
    const bad = patternBytes(5000, 24);
    const claimed = randomDigest();
    const results = await current().writeMany([objectOf(good), { digest: claimed, bytes: bad }]);
    expect(results[0]).toEqual({ digest: sha256Of(good), size: 5000 });
    expect(results[1]).toMatchObject({ digest: claimed, error: { code: 'CORRUPT_OBJECT' } });
    expect(await collect(current().list())).toEqual([sha256Of(good)]);
  });

  it('accepts objects it already holds, and an empty batch', async () => {
    const bytes = patternBytes(2000, 25);
    await put(current(), bytes);
    expect(await current().writeMany([objectOf(bytes)])).toEqual([{ digest: sha256Of(bytes), size: 2000 }]);
    expect(await current().writeMany([])).toEqual([]);
    expect(await collect(current().list())).toEqual([sha256Of(bytes)]);
  });
};

const describeBatchReads = (current: () => { store: ObjectStore & ObjectBatches; fixture: ObjectStoreFixture }) => {
  it('reads many objects whole and verified, in input order; absent ones fail, large ones are left to get', async () => {
    const { store } = current();
    const small = patternBytes(4000, 26);
    const large = patternBytes(300_000, 27);
    await store.writeMany([objectOf(small), objectOf(large)]);
    const absent = randomDigest();
    const results = await store.readMany([sha256Of(large), absent, sha256Of(small), sha256Of(small)], 100_000);
    expect(results[0]).toEqual({ digest: sha256Of(large), large: true });
    expect(results[1]).toMatchObject({ digest: absent, error: { code: 'RESOURCE_DOES_NOT_EXIST' } });
    for (const result of results.slice(2)) {
      expect(result.digest).toBe(sha256Of(small));
      expectSameBytes((result as { bytes: Buffer }).bytes, small);
    }
    expect(await store.readMany([], 1000)).toEqual([]);
  });

  it('fails a corrupted object with CORRUPT_OBJECT and still reads the others', async () => {
    const { store, fixture } = current();
    const [first, second] = [patternBytes(2000, 28), patternBytes(2000, 29)];
    await store.writeMany([objectOf(first), objectOf(second)]);
    await fixture.corrupt(sha256Of(first));
    const [bad, good] = await store.readMany([sha256Of(first), sha256Of(second)], 1_000_000);
    expect(bad).toMatchObject({ error: { code: 'CORRUPT_OBJECT', message: expect.stringContaining(sha256Of(first)) } });
    expectSameBytes((good as { bytes: Buffer }).bytes, second);
  });
};
