import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileModeOf, serializeTree, sortEntries, type TreeEntry } from '../data/tree/tree.js';
import type { Digest } from '../domain/digest.js';
import { invalidParameter, notFound } from '../domain/errors.js';
import { hashStream } from '../lib/hash-pass-through.js';

/** A model folder may hold at most this many files (a guard against pointing at `/` by mistake). */
export const MAX_MODEL_FILES = 10_000;

export interface FolderTree {
  /** The tree digest: the same `sha256:<hex>` `slipway add` gives the folder. */
  readonly digest: Digest;
  /** Sorted by path. */
  readonly entries: readonly TreeEntry[];
}

/** The digest of a tree's canonical JSON. */
export const treeDigestOf = (entries: readonly TreeEntry[]): Digest =>
  `sha256:${createHash('sha256').update(serializeTree(entries)).digest('hex')}`;

/**
 * Hashes every file under `folder` (streamed, one at a time) into a tree. Symbolic links and special files are
 * refused: a model baked into an image must be plain files, and a link could reach outside the folder.
 */
export async function folderTree(folder: string): Promise<FolderTree> {
  const top = await lstat(folder).catch(() => undefined);
  if (top?.isDirectory() !== true) {
    throw notFound(`The model folder ${folder} does not exist or is not a folder.`, {
      hint: 'Pass the folder that holds the MLmodel file (or, once the registry is wired, a models:/ URI).',
    });
  }
  const entries: TreeEntry[] = [];
  await walk(folder, '', entries);
  if (entries.length === 0) throw invalidParameter(`The model folder ${folder} holds no files.`);
  const sorted = sortEntries(entries);
  return { digest: treeDigestOf(sorted), entries: sorted };
}

async function walk(abs: string, rel: string, out: TreeEntry[]): Promise<void> {
  for (const dirent of await readdir(abs, { withFileTypes: true })) {
    const path = rel === '' ? dirent.name : `${rel}/${dirent.name}`;
    const child = join(abs, dirent.name);
    if (dirent.isDirectory()) await walk(child, path, out);
    else if (dirent.isFile()) out.push(await fileEntry(child, path, out.length));
    else throw notPlain(path);
  }
}

async function fileEntry(abs: string, path: string, count: number): Promise<TreeEntry> {
  if (count >= MAX_MODEL_FILES) {
    throw invalidParameter(`The model folder holds more than ${MAX_MODEL_FILES} files.`, {
      hint: 'Point at the model folder itself (the one with the MLmodel file), not a parent of it.',
    });
  }
  const stats = await lstat(abs);
  const { hex, bytes } = await hashStream(createReadStream(abs));
  return { path, digest: `sha256:${hex}`, size: bytes, mode: fileModeOf((stats.mode & 0o111) !== 0) };
}

const notPlain = (path: string) =>
  invalidParameter(`The model file ${path} is a symbolic link or a special file.`, {
    hint: 'A model packaged into an image must be plain files and folders; replace the link by the file it names.',
  });
