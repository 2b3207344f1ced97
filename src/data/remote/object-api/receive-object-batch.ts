import type { Readable } from 'node:stream';
import { type BatchWriteResponse, MAX_BATCH_BYTES, MAX_BATCH_OBJECTS } from '../../../contract/objects-api.js';
import { SlipwayError, toSlipwayError } from '../../../domain/errors.js';
import { writeObjects } from '../../../storage/objects/object-batches.js';
import { PACK_STATUS, type PackProblem, readPack } from '../../../storage/objects/object-pack.js';
import type { BatchWriteResult, ObjectBytes } from '../../../storage/objects/types.js';
import { clientSafeError } from './client-safe-error.js';
import type { ObjectApiDeps } from './object-api-deps.js';
import { uploadError } from './receive-object.js';

export interface ReceiveObjectBatchInput {
  /** An object pack, streamed. */
  readonly body: Readable;
  /** The size limit of one object (server.objectMaxBytes, at most the pack's own limit). */
  readonly maxObjectBytes: number;
  /** The size the client announced (Content-Length), refused up front when over the limit. */
  readonly declaredBytes?: number | undefined;
}

const tooLarge = (problem: string) =>
  new SlipwayError('PAYLOAD_TOO_LARGE', `The object pack is refused: ${problem}.`, {
    hint: `Send at most ${MAX_BATCH_OBJECTS} objects and ${MAX_BATCH_BYTES} bytes per batch; send larger objects with PUT.`,
  });

const refused = (problem: string, kind: PackProblem) =>
  kind === 'limit'
    ? tooLarge(problem)
    : new SlipwayError('INVALID_PARAMETER_VALUE', `The object pack is malformed: ${problem}.`, {
        hint: 'Send frames of status 0 (1 byte), raw sha256 (32 bytes), length (4 bytes, big-endian) and the bytes.',
      });

/** A per-object failure as the client may see it. */
const resultOf = (result: BatchWriteResult) => {
  if (!('error' in result)) return result;
  const safe = toSlipwayError(clientSafeError(result.error, result.digest));
  return { digest: result.digest, error_code: safe.code, message: safe.message };
};

/**
 * `POST /api/v1/objects/batch/write`: stores the objects of a pack, each only if its bytes hash to the digest in
 * its frame (a mismatch is reported for that object, nothing stored for it). The body is bounded (objects,
 * bytes per object, bytes in all) while it streams; a store failure fails the request.
 */
export async function receiveObjectBatch(
  deps: ObjectApiDeps,
  input: ReceiveObjectBatchInput,
): Promise<BatchWriteResponse> {
  if (input.declaredBytes !== undefined && input.declaredBytes > MAX_BATCH_BYTES)
    throw tooLarge(`it is over ${MAX_BATCH_BYTES} bytes`);
  const limits = {
    maxFrames: MAX_BATCH_OBJECTS,
    maxObjectBytes: input.maxObjectBytes,
    maxTotalBytes: MAX_BATCH_BYTES,
    statuses: new Set<number>([PACK_STATUS.object]),
    refuse: refused,
  };
  const objects: ObjectBytes[] = [];
  try {
    for await (const frame of readPack(input.body, limits)) objects.push(frame);
    const results = await writeObjects(deps.objects, objects);
    return { results: results.map(resultOf) };
  } catch (error) {
    throw uploadError(error, `${objects.length} objects`);
  }
}
