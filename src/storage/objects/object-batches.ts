import { Readable } from 'node:stream';
import type { Digest } from '../../domain/digest.js';
import { toSlipwayError } from '../../domain/errors.js';
import { mapConcurrent } from '../../lib/map-concurrent.js';
import { readHead } from './http-bodies.js';
import type { BatchReadResult, BatchWriteResult, ObjectBytes, ObjectStore } from './types.js';
import { supportsBatches } from './types.js';

/** Calls in flight when a store without the ObjectBatches capability is read or written object by object. */
const FALLBACK_CONCURRENCY = 8;

/**
 * Reads small objects whole from any store: in one call where the store has the ObjectBatches capability, else with
 * a verified `get` each (bounded concurrency). Per-object failures come back as results, as from `readMany`.
 */
export async function readObjects(
  store: ObjectStore,
  digests: readonly Digest[],
  maxObjectBytes: number,
  concurrency = FALLBACK_CONCURRENCY,
): Promise<BatchReadResult[]> {
  return supportsBatches(store)
    ? store.readMany(digests, maxObjectBytes)
    : readEach(store, digests, maxObjectBytes, concurrency);
}

/** Reads small objects whole with a verified `get` each (bounded concurrency), as `readMany` answers. */
export function readEach(
  store: ObjectStore,
  digests: readonly Digest[],
  maxObjectBytes: number,
  concurrency = FALLBACK_CONCURRENCY,
): Promise<BatchReadResult[]> {
  return mapConcurrent(digests, concurrency, async (digest): Promise<BatchReadResult> => {
    try {
      const head = await readHead(await store.get(digest), maxObjectBytes);
      if ('whole' in head) return { digest, bytes: head.whole };
      head.rest.destroy();
      return { digest, large: true };
    } catch (error) {
      return { digest, error: toSlipwayError(error) };
    }
  });
}

/**
 * Writes whole objects to any store: in one call where the store has the ObjectBatches capability, else with a
 * checked `put` each (bounded concurrency). Per-object failures come back as results, as from `writeMany`.
 */
export async function writeObjects(
  store: ObjectStore,
  objects: readonly ObjectBytes[],
  concurrency = FALLBACK_CONCURRENCY,
): Promise<BatchWriteResult[]> {
  return supportsBatches(store) ? store.writeMany(objects) : writeEach(store, objects, concurrency);
}

/** Writes whole objects with a checked `put` each (bounded concurrency), as `writeMany` answers. */
export function writeEach(
  store: ObjectStore,
  objects: readonly ObjectBytes[],
  concurrency = FALLBACK_CONCURRENCY,
): Promise<BatchWriteResult[]> {
  return mapConcurrent(objects, concurrency, async ({ digest, bytes }): Promise<BatchWriteResult> => {
    try {
      const info = await store.put(Readable.from([Buffer.from(bytes)]), { expectedDigest: digest });
      return { digest, size: info.size };
    } catch (error) {
      return { digest, error: toSlipwayError(error) };
    }
  });
}
