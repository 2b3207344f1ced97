import type { Digest } from '../../../domain/digest.js';
import { isSlipwayError, SlipwayError } from '../../../domain/errors.js';

const OPERATOR_HINT = 'An operator should check the server’s object store; the server log has the details.';

/**
 * Store errors name server-side locations (folders, buckets) and describe the server's own access to its
 * storage; a client must see neither. Corruption becomes a message naming only the digest, and the store's own
 * permission failures become TEMPORARILY_UNAVAILABLE (a 403 would tell the client its credentials are wrong).
 * The original error stays as the cause, for the log.
 */
export const clientSafeError = (error: unknown, digest: Digest | string): unknown => {
  if (!isSlipwayError(error)) return error;
  const safe = (code: SlipwayError['code'], message: string) =>
    new SlipwayError(code, message, { cause: error, hint: OPERATOR_HINT });
  switch (error.code) {
    case 'CORRUPT_OBJECT':
      return safe('CORRUPT_OBJECT', `The server’s copy of object ${digest} is corrupt.`);
    case 'PERMISSION_DENIED':
    case 'UNAUTHENTICATED':
      return safe('TEMPORARILY_UNAVAILABLE', `The server cannot access its object store for ${digest}.`);
    case 'RESOURCE_EXHAUSTED':
      return safe('RESOURCE_EXHAUSTED', `The server’s object store is full; ${digest} was not stored.`);
    case 'TEMPORARILY_UNAVAILABLE':
      return safe('TEMPORARILY_UNAVAILABLE', `The server’s object store is unavailable (object ${digest}).`);
    default:
      return error;
  }
};

/** An object the server does not hold. */
export const objectNotFound = (digest: Digest): SlipwayError =>
  new SlipwayError('RESOURCE_DOES_NOT_EXIST', `Object ${digest} does not exist on this server.`, {
    hint: 'Push it from a workspace that has it (slipway push), or check the digest.',
  });
