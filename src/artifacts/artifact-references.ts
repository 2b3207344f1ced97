import type { ReferenceProvider } from '../data/references.js';
import type { Digest } from '../domain/digest.js';
import { artifactDigests } from '../storage/metadata/artifacts/artifact-files.js';
import type { MetadataStore } from '../storage/metadata/open-metadata.js';

/**
 * The garbage-collection hook of run artifacts: every object an artifact path of any run names. When the tracking
 * store keeps its artifacts in the workspace cache (the embedded default), `slipway gc` must keep these.
 */
export function artifactReferences(deps: { readonly metadata: Pick<MetadataStore, 'db'> }): ReferenceProvider {
  return {
    name: 'run artifacts',
    async *digests(): AsyncIterable<Digest> {
      yield* artifactDigests(deps.metadata.db);
    },
  };
}
