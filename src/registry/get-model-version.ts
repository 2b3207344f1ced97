import { loadVersion, requireModel, requireVersion } from './load-registry.js';
import type { ModelVersion, RegistryDeps } from './types.js';

/** A live model version; deleted versions are RESOURCE_DOES_NOT_EXIST. */
export async function getModelVersion(
  deps: Pick<RegistryDeps, 'metadata'>,
  input: { readonly name: string; readonly version: string },
): Promise<ModelVersion> {
  const db = deps.metadata.db;
  const model = await requireModel(db, input.name);
  return loadVersion(db, model, await requireVersion(db, model, input.version));
}
