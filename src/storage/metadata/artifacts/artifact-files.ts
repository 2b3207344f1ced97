import type { Kysely, Transaction } from 'kysely';
import { type ArtifactPath, artifactAncestors } from '../../../domain/artifact-path.js';
import { type Digest, parseDigest } from '../../../domain/digest.js';
import type { ArtifactFileRow, Database } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A file stored through the artifact proxy: where it is and which object holds its bytes. */
export interface ArtifactFile {
  readonly path: ArtifactPath;
  readonly digest: Digest;
  readonly size: number;
  /** Milliseconds since the Unix epoch. */
  readonly createdTime: number;
}

const toFile = (row: ArtifactFileRow): ArtifactFile => ({
  path: row.path as ArtifactPath,
  digest: parseDigest(row.digest, `the digest of artifact ${row.path}`),
  size: row.size,
  createdTime: row.created_time,
});

/**
 * The half-open range of paths under a folder: every path starting with `dir/` sorts in [`dir/`, `dir0`), since
 * "0" follows "/" in code-point order. Parameters only; never a LIKE pattern built from user text.
 */
export const rangeUnder = (dir: ArtifactPath): { readonly from: string; readonly to: string } => ({
  from: `${dir}/`,
  to: `${dir}0`,
});

/** Records (or replaces) the file at `file.path`. */
export async function upsertArtifactFile(db: Db, file: ArtifactFile): Promise<void> {
  const values = { digest: file.digest, size: file.size, created_time: file.createdTime };
  await db
    .insertInto('artifact_files')
    .values({ path: file.path, ...values })
    .onConflict((conflict) => conflict.column('path').doUpdateSet(values))
    .execute();
}

export async function findArtifactFile(db: Db, path: ArtifactPath): Promise<ArtifactFile | undefined> {
  const row = await db.selectFrom('artifact_files').selectAll().where('path', '=', path).executeTakeFirst();
  return row === undefined ? undefined : toFile(row);
}

/** Whether any file lies under the folder `dir` (the root: whether there is any file at all). */
export async function hasFilesUnder(db: Db, dir: ArtifactPath): Promise<boolean> {
  let query = db.selectFrom('artifact_files').select('path');
  if (dir !== '') {
    const { from, to } = rangeUnder(dir);
    query = query.where('path', '>=', from).where('path', '<', to);
  }
  return (await query.limit(1).executeTakeFirst()) !== undefined;
}

/** The nearest ancestor of `path` that is a file, if any (a file cannot also be a folder). */
export async function findFileAncestor(db: Db, path: ArtifactPath): Promise<ArtifactPath | undefined> {
  const ancestors = artifactAncestors(path);
  if (ancestors.length === 0) return undefined;
  const rows = await db.selectFrom('artifact_files').select('path').where('path', 'in', ancestors).execute();
  const files = new Set(rows.map((row) => row.path));
  return ancestors.findLast((ancestor) => files.has(ancestor));
}

/** Removes the file at `path` and every file under the folder `path`; returns how many rows went. */
export async function deleteArtifactFiles(db: Db, path: ArtifactPath): Promise<number> {
  const { from, to } = rangeUnder(path);
  const result = await db
    .deleteFrom('artifact_files')
    .where((eb) => eb.or([eb('path', '=', path), eb.and([eb('path', '>=', from), eb('path', '<', to)])]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** How many paths refer to an object (0: nothing in the artifact proxy uses it). */
export async function countArtifactFilesWithDigest(db: Db, digest: Digest): Promise<number> {
  const row = await db
    .selectFrom('artifact_files')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('digest', '=', digest)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Every distinct object digest any artifact path names, in digest order, read a page at a time. */
export async function* artifactDigests(db: Db, batch = 1000): AsyncGenerator<Digest> {
  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('artifact_files')
      .select('digest')
      .distinct()
      .where('digest', '>', after)
      .orderBy('digest')
      .limit(batch)
      .execute();
    for (const row of rows) yield parseDigest(row.digest, 'artifact digest');
    const last = rows.at(-1);
    if (last === undefined || rows.length < batch) return;
    after = last.digest;
  }
}
