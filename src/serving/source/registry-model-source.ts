import { parseModelUri } from '../../domain/model-uri.js';
import type { FetchedModel } from '../../registry/fetch-registered-model.js';
import { type ModelSourceResolver, type ResolvedModel, servedName } from './model-source.js';

/** Fetches a `models:/…` URI into a local, verified folder (the composition root opens the registry for it). */
export type FetchModel = (uri: string) => Promise<FetchedModel>;

/**
 * Model URIs through the registry (version, semver, alias, latest: the pinned tree, fetched into the model cache
 * and verified), local folders through `folders`. Each resolve asks the registry again, so a reload after an
 * alias moved serves the new version.
 */
export function registryModelSource(fetchModel: FetchModel, folders: ModelSourceResolver): ModelSourceResolver {
  return {
    async resolve(uri: string): Promise<ResolvedModel> {
      if (parseModelUri(uri).kind === 'folder') return folders.resolve(uri);
      const model = await fetchModel(uri);
      return { folder: model.folder, name: servedName(model.name), version: model.version, digest: model.digest };
    },
  };
}
