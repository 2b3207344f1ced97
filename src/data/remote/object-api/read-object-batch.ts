import { MAX_BATCH_OBJECT_BYTES, MAX_BATCH_OBJECTS } from '../../../contract/objects-api.js';
import { type Digest, parseDigest } from '../../../domain/digest.js';
import { invalidParameter } from '../../../domain/errors.js';
import { readObjects } from '../../../storage/objects/object-batches.js';
import { PACK_STATUS, packFrame } from '../../../storage/objects/object-pack.js';
import type { BatchReadResult } from '../../../storage/objects/types.js';
import { clientSafeError } from './client-safe-error.js';
import type { ObjectApiDeps } from './object-api-deps.js';

/** Objects read from the store at once while a pack is sent: at most this many whole objects are in memory. */
const READ_CHUNK = 64;

export interface ReadObjectBatchInput {
  readonly digests: readonly string[];
  /** Objects over this size are answered "large" (the client GETs them); capped at MAX_BATCH_OBJECT_BYTES. */
  readonly maxObjectBytes?: number | undefined;
}

/**
 * `POST /api/v1/objects/batch/read`: an object pack with, per requested digest in order, the verified object or
 * why not (absent, larger than the limit, corrupt in the store). The first objects are read before the answer
 * starts, so a store that fails outright fails the request with a status; a failure later cuts the pack short,
 * which the client reports (it verifies every object anyway).
 */
export async function readObjectBatch(
  deps: ObjectApiDeps,
  input: ReadObjectBatchInput,
): Promise<AsyncIterable<Buffer>> {
  if (input.digests.length > MAX_BATCH_OBJECTS) {
    throw invalidParameter(`digests has ${input.digests.length} entries; at most ${MAX_BATCH_OBJECTS} are allowed.`, {
      hint: `Split the list into requests of at most ${MAX_BATCH_OBJECTS} digests.`,
    });
  }
  const digests = input.digests.map((digest, index) => parseDigest(digest, `digests[${index}]`));
  const max = Math.min(input.maxObjectBytes ?? MAX_BATCH_OBJECT_BYTES, MAX_BATCH_OBJECT_BYTES);
  const first = await framesOf(deps, digests.slice(0, READ_CHUNK), max);
  return (async function* rest() {
    yield* first;
    for (let start = READ_CHUNK; start < digests.length; start += READ_CHUNK) {
      yield* await framesOf(deps, digests.slice(start, start + READ_CHUNK), max);
    }
  })();
}

async function framesOf(deps: ObjectApiDeps, digests: readonly Digest[], max: number): Promise<Buffer[]> {
  const results = await readObjects(deps.objects, digests, max).catch((error: unknown) => {
    throw clientSafeError(error, `${digests.length} objects`);
  });
  return results.flatMap(frameOf);
}

function frameOf(result: BatchReadResult): Buffer[] {
  if ('bytes' in result) return packFrame(PACK_STATUS.object, result.digest, result.bytes);
  if ('large' in result) return packFrame(PACK_STATUS.large, result.digest);
  if (result.error.code === 'RESOURCE_DOES_NOT_EXIST') return packFrame(PACK_STATUS.absent, result.digest);
  if (result.error.code === 'CORRUPT_OBJECT') return packFrame(PACK_STATUS.corrupt, result.digest);
  throw clientSafeError(result.error, result.digest);
}
