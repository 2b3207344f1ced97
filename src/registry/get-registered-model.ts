import { loadModel, requireModel } from './load-registry.js';
import type { RegisteredModel, RegistryDeps } from './types.js';

/** A registered model with its tags, aliases and latest version per stage. */
export async function getRegisteredModel(
  deps: Pick<RegistryDeps, 'metadata'>,
  input: { readonly name: string },
): Promise<RegisteredModel> {
  const db = deps.metadata.db;
  return loadModel(db, await requireModel(db, input.name));
}
