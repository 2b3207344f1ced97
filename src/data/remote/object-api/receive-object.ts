import type { Readable } from 'node:stream';
import type { Digest } from '../../../domain/digest.js';
import { invalidParameter, isSlipwayError, SlipwayError } from '../../../domain/errors.js';
import type { ObjectInfo } from '../../../storage/objects/types.js';
import { clientSafeError } from './client-safe-error.js';
import { limitObjectBytes, objectTooLarge } from './limit-object-bytes.js';
import type { ObjectApiDeps } from './object-api-deps.js';

export interface ReceiveObjectInput {
  /** The digest the client announced (the URL); the bytes must hash to it. */
  readonly digest: Digest;
  /** The bytes, streamed: never held in memory whole. */
  readonly body: Readable;
  /** Bodies larger than this fail with PAYLOAD_TOO_LARGE while they stream. */
  readonly maxBytes: number;
  /** The size the client announced (Content-Length), refused up front when over the limit. */
  readonly declaredBytes?: number | undefined;
}

const isAbort = (error: unknown): boolean => {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || message === 'aborted';
};

/** The client's bytes do not hash to the digest it named: its fault (400), not a corrupt store (500). */
const mismatch = (error: SlipwayError) =>
  invalidParameter(error.message, {
    cause: error,
    hint: 'The file changed while it was uploaded, or the local copy is corrupt: check it, then push again.',
  });

/** An upload's failure as the client may see it: a mismatch is its fault, an abort CANCELLED, store errors made safe. */
export const uploadError = (error: unknown, digest: Digest | string): unknown => {
  if (isSlipwayError(error) && error.code === 'CORRUPT_OBJECT') return mismatch(error);
  if (isSlipwayError(error) || !isAbort(error)) return clientSafeError(error, digest);
  return new SlipwayError('CANCELLED', `The upload of ${digest} ended early; nothing was stored.`, {
    cause: error,
    hint: 'The client went away mid-upload: push again.',
  });
};

/**
 * Stores an uploaded object under the digest the client named, verifying the bytes while they stream: a
 * mismatch (INVALID_PARAMETER_VALUE), an oversized body (PAYLOAD_TOO_LARGE) or an interrupted upload
 * (CANCELLED) stores nothing. Uploading an object the server already holds is accepted (and verified).
 */
export async function receiveObject(deps: ObjectApiDeps, input: ReceiveObjectInput): Promise<ObjectInfo> {
  const { digest, maxBytes } = input;
  if (input.declaredBytes !== undefined && input.declaredBytes > maxBytes) throw objectTooLarge(digest, maxBytes);
  try {
    return await deps.objects.put(limitObjectBytes(input.body, maxBytes, digest), { expectedDigest: digest });
  } catch (error) {
    throw uploadError(error, digest);
  }
}
