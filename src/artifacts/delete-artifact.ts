import type { ArtifactPath } from '../domain/artifact-path.js';
import { deleteArtifactFiles } from '../storage/metadata/artifacts/artifact-files.js';
import type { ArtifactDeps } from './artifact-deps.js';

/**
 * Deletes the file at `path`, or the folder `path` with everything under it, as MLflow's delete_artifacts does.
 * Deleting nothing is not an error. Only paths go: objects may be shared with other paths, and are reclaimed
 * by garbage collection once nothing refers to them.
 */
export async function deleteArtifact(
  deps: Pick<ArtifactDeps, 'metadata'>,
  path: ArtifactPath,
): Promise<{ readonly deleted: number }> {
  return { deleted: await deleteArtifactFiles(deps.metadata.db, path) };
}
