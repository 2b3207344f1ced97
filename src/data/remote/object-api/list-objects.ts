import type { Digest } from '../../../domain/digest.js';
import type { ObjectApiDeps } from './object-api-deps.js';

/** Every digest the server holds, streamed (for `slipway gc --cloud`). */
export function listObjects(deps: ObjectApiDeps): AsyncIterable<Digest> {
  return deps.objects.list();
}
