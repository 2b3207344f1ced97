import type { MetadataStore } from '../storage/metadata/open-metadata.js';
import type { ObjectStore } from '../storage/objects/types.js';
import type { Tag } from '../tracking/types.js';

export type { Page, Tag } from '../tracking/types.js';

/**
 * What every registry use case needs: the metadata store, the object store (version trees), who is acting (the
 * authenticated principal on a server, the OS user in the CLI; default `anonymous`), and a clock.
 */
export interface RegistryDeps {
  readonly metadata: Pick<MetadataStore, 'db' | 'dialect'>;
  readonly objects: ObjectStore;
  readonly actor?: string | undefined;
  readonly now?: (() => number) | undefined;
}

/** MLflow's stages, canonical spelling. */
export const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type Stage = (typeof STAGES)[number];

export interface ModelAlias {
  readonly alias: string;
  readonly version: string;
}

/** A model version as the API shows it; `version` is MLflow's decimal string. */
export interface ModelVersion {
  readonly name: string;
  readonly version: string;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  readonly userId: string;
  readonly currentStage: string;
  readonly description: string;
  readonly source: string;
  readonly runId: string;
  readonly runLink: string;
  readonly status: 'READY';
  readonly tags: readonly Tag[];
  readonly aliases: readonly string[];
  /** The semantic version (`1.4.0`). */
  readonly semver: string;
  /** `sha256:<hex>` of the pinned tree. */
  readonly digest: string;
}

export interface RegisteredModel {
  readonly name: string;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  /** The Markdown model card ('' when none). */
  readonly description: string;
  /** The latest live version in each stage. */
  readonly latestVersions: readonly ModelVersion[];
  readonly tags: readonly Tag[];
  readonly aliases: readonly ModelAlias[];
}

/** The version tag that carries the semantic version in MLflow responses (and may set it at registration). */
export const SEMVER_TAG = 'slipway.semver';
/** The read-only version tag that shows the pinned tree digest in MLflow responses. */
export const DIGEST_TAG = 'slipway.digest';
