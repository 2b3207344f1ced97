import type { MetadataStore } from '../storage/metadata/open-metadata.js';
import type { ObjectStore } from '../storage/objects/types.js';

/** What the artifact use cases need: the path table, the object store holding the bytes, and a clock. */
export interface ArtifactDeps {
  readonly metadata: Pick<MetadataStore, 'db'>;
  readonly objects: ObjectStore;
  /** Milliseconds since the epoch; defaults to Date.now (tests may pin it). */
  readonly now?: () => number;
}
