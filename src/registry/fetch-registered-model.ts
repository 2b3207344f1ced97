import { type Digest, parseDigest } from '../domain/digest.js';
import type { ModelCache } from '../models/cache/model-cache.js';
import type { RegistryClient } from './registry-client.js';

/** A registered model version made local: its identity and the verified, read-only folder holding it. */
export interface FetchedModel {
  readonly name: string;
  readonly version: string;
  readonly semver: string;
  /** The pinned model tree. */
  readonly digest: Digest;
  readonly folder: string;
}

/**
 * Resolves a `models:/…` URI (version, semver, alias, latest) to its pinned tree and fetches that tree into the
 * model cache (every file verified; a cached model is reused). Resolving again after an alias moved gives the new
 * version.
 */
export async function fetchRegisteredModel(
  client: Pick<RegistryClient, 'resolveModel'>,
  cache: Pick<ModelCache, 'fetch'>,
  uri: string,
): Promise<FetchedModel> {
  const model = await client.resolveModel(uri);
  const digest = parseDigest(model.digest, 'model digest');
  return { name: model.name, version: model.version, semver: model.semver, digest, folder: await cache.fetch(digest) };
}
