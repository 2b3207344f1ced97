import { ModelCache } from '../models/cache/model-cache.js';
import { type FetchedModel, fetchRegisteredModel } from '../registry/fetch-registered-model.js';
import { openObjectStore } from '../storage/objects/registry.js';
import { openRegistryClient } from './open-registry-client.js';

export interface FetchModelOptions {
  /** The registry: `sqlite:`/`postgresql:` (direct) or a Slipway server's `http(s)://` URL. */
  readonly trackingUri: string;
  /** The object store of a direct tracking URI (a server's objects come through its object API). */
  readonly objectsUri: string;
  /** The model cache folder: each model lands in `<cacheRoot>/<digest hex>/`. */
  readonly cacheRoot: string;
  readonly actor: string;
}

const isHttp = (uri: string): boolean => /^https?:\/\//i.test(uri);

/**
 * A `models:/…` URI made local: resolved by the registry, its pinned tree fetched into the model cache from the
 * object store (a server's object API when the registry is a server), every file verified; a cached model is reused.
 */
export async function fetchModel(options: FetchModelOptions, uri: string): Promise<FetchedModel> {
  const client = await openRegistryClient(options.trackingUri, options);
  try {
    const store = await openObjectStore(isHttp(options.trackingUri) ? options.trackingUri : options.objectsUri);
    try {
      return await fetchRegisteredModel(client, new ModelCache({ root: options.cacheRoot, store }), uri);
    } finally {
      await store.close();
    }
  } finally {
    await client.close();
  }
}
