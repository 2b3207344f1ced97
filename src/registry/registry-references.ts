import type { ReferenceProvider } from '../data/references.js';
import { type Digest, parseDigest } from '../domain/digest.js';
import { pinnedTreeDigests } from '../storage/metadata/registry/model-versions.js';
import type { RegistryDeps } from './types.js';

/**
 * The garbage-collection hook of the model registry: yields the tree digest every live model version pins
 * (gc keeps each tree and every object it lists). Deleted versions and models no longer pin anything.
 */
export function registryReferences(deps: Pick<RegistryDeps, 'metadata'>): ReferenceProvider {
  return {
    name: 'model registry',
    async *digests(): AsyncIterable<Digest> {
      for await (const digest of pinnedTreeDigests(deps.metadata.db)) yield parseDigest(digest, 'tree_digest');
    },
  };
}
