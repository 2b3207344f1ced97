import type { ObjectStore } from '../../../storage/objects/types.js';

/** What the server's object API needs: the server's own object store. */
export interface ObjectApiDeps {
  readonly objects: ObjectStore;
}
