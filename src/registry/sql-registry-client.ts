import type { Readable } from 'node:stream';
import { parseDigest } from '../domain/digest.js';
import type { MetadataStore } from '../storage/metadata/open-metadata.js';
import type { ObjectStore } from '../storage/objects/types.js';
import { createModelVersion } from './create-model-version.js';
import { createRegisteredModel } from './create-registered-model.js';
import { deleteAlias } from './delete-alias.js';
import { deleteModelVersion } from './delete-model-version.js';
import { deleteRegisteredModel } from './delete-registered-model.js';
import { getAliasAt } from './get-alias-at.js';
import { getModelVersion } from './get-model-version.js';
import { getRegisteredModel } from './get-registered-model.js';
import { getVersionByAlias } from './get-version-by-alias.js';
import { listModelHistory } from './list-model-history.js';
import { openPinnedFile } from './open-pinned-file.js';
import type { RegistryClient } from './registry-client.js';
import { resolveModel } from './resolve-model.js';
import { searchModelVersions } from './search-model-versions.js';
import { searchRegisteredModels } from './search-registered-models.js';
import { setAlias } from './set-alias.js';

export interface SqlRegistryClientDeps {
  readonly metadata: MetadataStore;
  readonly objects: ObjectStore;
  /** Who is acting (the CLI passes the OS user); default `anonymous`. */
  readonly actor?: string | undefined;
}

/** The registry port over the use cases, on a direct metadata URI. Closing it closes both stores. */
export function createSqlRegistryClient(deps: SqlRegistryClientDeps): RegistryClient {
  return {
    uri: deps.metadata.uri,
    createRegisteredModel: (input) => createRegisteredModel(deps, input),
    getRegisteredModel: (name) => getRegisteredModel(deps, { name }),
    searchRegisteredModels: (input) => searchRegisteredModels(deps, input),
    deleteRegisteredModel: (name) => deleteRegisteredModel(deps, { name }),
    createModelVersion: (input) => createModelVersion(deps, input),
    getModelVersion: (name, version) => getModelVersion(deps, { name, version }),
    searchModelVersions: (input) => searchModelVersions(deps, input),
    deleteModelVersion: (name, version) => deleteModelVersion(deps, { name, version }),
    setAlias: (name, alias, version) => setAlias(deps, { name, alias, version }),
    deleteAlias: (name, alias) => deleteAlias(deps, { name, alias }),
    getVersionByAlias: (name, alias) => getVersionByAlias(deps, { name, alias }),
    listHistory: (input) => listModelHistory(deps, input),
    getAliasAt: (name, alias, at) => getAliasAt(deps, { name, alias, at }),
    resolveModel: (uri) => resolveModel(deps, uri),
    openModelFile: async (model, path) => {
      const hex = parseDigest(model.digest).slice('sha256:'.length);
      return (await openPinnedFile(deps, hex, path)).body as Readable;
    },
    close: async () => {
      await deps.metadata.close();
      await deps.objects.close();
    },
  };
}
