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
import type { ObjectStore } from './types.js';

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
