import { MAX_MISSING_DIGESTS } from '../../../contract/objects-api.js';
import { type Digest, parseDigest } from '../../../domain/digest.js';
import { invalidParameter } from '../../../domain/errors.js';
import type { ObjectApiDeps } from './object-api-deps.js';

/**
 * Which of up to MAX_MISSING_DIGESTS digests the server does not hold, in request order without duplicates.
 * A longer list, or any string that is not a digest, is refused naming the limit or the bad entry.
 */
export async function findMissingObjects(deps: ObjectApiDeps, digests: readonly string[]): Promise<Digest[]> {
  if (digests.length > MAX_MISSING_DIGESTS) {
    throw invalidParameter(
      `digests has ${digests.length} entries; at most ${MAX_MISSING_DIGESTS} are allowed per request.`,
      { hint: `Split the list into requests of at most ${MAX_MISSING_DIGESTS} digests.` },
    );
  }
  const parsed = digests.map((digest, index) => parseDigest(digest, `digests[${index}]`));
  return deps.objects.missing(parsed);
}
