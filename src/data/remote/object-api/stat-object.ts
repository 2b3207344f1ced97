import type { Digest } from '../../../domain/digest.js';
import type { ObjectInfo } from '../../../storage/objects/types.js';
import { clientSafeError, objectNotFound } from './client-safe-error.js';
import type { ObjectApiDeps } from './object-api-deps.js';

/** The size of an object the server holds; RESOURCE_DOES_NOT_EXIST when it holds none. */
export async function statObject(deps: ObjectApiDeps, digest: Digest): Promise<ObjectInfo> {
  const info = await deps.objects.stat(digest).catch((error: unknown) => {
    throw clientSafeError(error, digest);
  });
  if (info === undefined) throw objectNotFound(digest);
  return info;
}
