import type { ArtifactPath } from '../../../domain/artifact-path.js';
import { rangeUnder } from '../artifacts/artifact-files.js';
import type { ArtifactFileRow } from '../schema.js';
import { type Db, rowChunks } from '../tracking/db.js';

/**
 * The artifact files under a folder (its whole subtree), in path order, at most `limit` of them: what a model
 * version pins when it is created from a run's artifacts. A range scan on the path index.
 */
export async function selectFilesUnder(db: Db, dir: ArtifactPath, limit: number): Promise<ArtifactFileRow[]> {
  const { from, to } = rangeUnder(dir);
  return db
    .selectFrom('artifact_files')
    .selectAll()
    .where('path', '>=', from)
    .where('path', '<', to)
    .orderBy('path')
    .limit(limit)
    .execute();
}

export interface PinnedFile {
  readonly path: string;
  readonly digest: string;
  readonly size: number;
}

/**
 * Lists a pinned tree's files under `root` in the artifact table, so that MLflow clients list and download them
 * through the artifact proxy. The root is content-addressed (it names the tree digest), so the rows of two
 * versions with the same tree are the same rows; existing rows are left as they are.
 */
export async function insertPinnedFiles(
  db: Db,
  root: string,
  files: readonly PinnedFile[],
  time: number,
): Promise<void> {
  const rows = files.map((file) => ({
    path: `${root}/${file.path}`,
    digest: file.digest,
    size: file.size,
    created_time: time,
  }));
  for (const chunk of rowChunks(rows, 4)) {
    await db
      .insertInto('artifact_files')
      .values(chunk)
      .onConflict((conflict) => conflict.column('path').doNothing())
      .execute();
  }
}
