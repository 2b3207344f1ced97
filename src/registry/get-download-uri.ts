import { parseDigest } from '../domain/digest.js';
import { requireModel, requireVersion } from './load-registry.js';
import { pinnedDownloadUri } from './pinned-tree.js';
import type { RegistryDeps } from './types.js';

/**
 * Where MLflow clients download a version from: the read-only folder of its pinned tree in the artifact proxy
 * (`mlflow-artifacts:/_slipway/trees/<hex>`), never the run's folder, whose files may have changed since.
 */
export async function getDownloadUri(
  deps: Pick<RegistryDeps, 'metadata'>,
  input: { readonly name: string; readonly version: string },
): Promise<string> {
  const db = deps.metadata.db;
  const row = await requireVersion(db, await requireModel(db, input.name), input.version);
  return pinnedDownloadUri(parseDigest(row.tree_digest, 'tree_digest'));
}
