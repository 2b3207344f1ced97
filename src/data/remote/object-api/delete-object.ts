import type { Digest } from '../../../domain/digest.js';
import { SlipwayError } from '../../../domain/errors.js';
import { clientSafeError } from './client-safe-error.js';
import type { ObjectApiDeps } from './object-api-deps.js';

export interface DeleteObjectInput {
  readonly digest: Digest;
  /** Whether the server lets clients delete objects (server.objectDelete); off by default. */
  readonly allowed: boolean;
}

/**
 * Deletes an object (`slipway gc --cloud`), when the server allows it: the server's store may also hold
 * artifacts and registered models that no workspace knows about, so deleting through the API is opt-in.
 */
export async function deleteObject(deps: ObjectApiDeps, input: DeleteObjectInput): Promise<void> {
  if (!input.allowed) {
    throw new SlipwayError('PERMISSION_DENIED', `This server does not allow deleting objects (${input.digest}).`, {
      hint: 'Its store may hold artifacts and models too. An operator may enable it with server.objectDelete (SLIPWAY_OBJECT_DELETE=1).',
    });
  }
  await deps.objects.delete(input.digest).catch((error: unknown) => {
    throw clientSafeError(error, input.digest);
  });
}
