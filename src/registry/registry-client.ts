import type { Readable } from 'node:stream';
import type { AuditEvent } from '../storage/metadata/events.js';
import type { CreateModelVersionInput } from './create-model-version.js';
import type { CreateRegisteredModelInput } from './create-registered-model.js';
import type { AliasAtTime } from './get-alias-at.js';
import type { SearchModelVersionsInput } from './search-model-versions.js';
import type { SearchRegisteredModelsInput } from './search-registered-models.js';
import type { ModelVersion, Page, RegisteredModel } from './types.js';

export type { AuditEvent } from '../storage/metadata/events.js';

/** A version's pinned files, as a model URI resolves: what `slipway models download` writes. */
export interface ResolvedModel {
  readonly name: string;
  readonly version: string;
  readonly semver: string;
  readonly digest: string;
  readonly files: ReadonlyArray<{ readonly path: string; readonly digest: string; readonly size: number }>;
}

/**
 * The model registry as the SDK and the CLI see it, whatever the tracking URI: SQL (sqlite:, postgresql:) over
 * the use cases, or HTTP (http(s):) over a server's MLflow registry API and native API. One contract suite
 * (registry-client.contract.ts) runs against both.
 */
export interface RegistryClient {
  readonly uri: string;
  createRegisteredModel(input: CreateRegisteredModelInput): Promise<RegisteredModel>;
  getRegisteredModel(name: string): Promise<RegisteredModel>;
  searchRegisteredModels(input: SearchRegisteredModelsInput): Promise<Page<RegisteredModel>>;
  deleteRegisteredModel(name: string): Promise<void>;
  createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion>;
  getModelVersion(name: string, version: string): Promise<ModelVersion>;
  searchModelVersions(input: SearchModelVersionsInput): Promise<Page<ModelVersion>>;
  deleteModelVersion(name: string, version: string): Promise<void>;
  setAlias(name: string, alias: string, version: string): Promise<void>;
  deleteAlias(name: string, alias: string): Promise<void>;
  getVersionByAlias(name: string, alias: string): Promise<ModelVersion>;
  /** The model's audit trail, newest first. */
  listHistory(input: { name: string; maxResults?: number; pageToken?: string }): Promise<Page<AuditEvent>>;
  /** Which version an alias pointed to at `at` (ms since the epoch). */
  getAliasAt(name: string, alias: string, at: number): Promise<AliasAtTime>;
  /** A `models:/…` URI's version and pinned files. */
  resolveModel(uri: string): Promise<ResolvedModel>;
  /** One pinned file's bytes, verified against its digest while they stream. */
  openModelFile(model: ResolvedModel, path: string): Promise<Readable>;
  close(): Promise<void>;
}
