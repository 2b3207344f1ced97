import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Digest } from '../../../domain/digest.js';
import { alreadyExists } from '../../../domain/errors.js';
import { fsyncDirectory } from '../../../lib/fsync-directory.js';
import { mapConcurrent } from '../../../lib/map-concurrent.js';
import { writeStreamToFile } from '../../../lib/write-stream-to-file.js';
import type { ObjectStore } from '../../../storage/objects/types.js';
import type { TreeEntry } from '../../tree/tree.js';

const WRITE_CONCURRENCY = 8;

const besides = (target: string, kind: string) =>
  join(dirname(target), `.${basename(target)}.slipway-${kind}-${randomBytes(6).toString('hex')}`);

/** Refuses to replace an existing output unless `force`. */
export async function checkOutput(target: string, force: boolean): Promise<void> {
  const existing = await lstat(target).catch(() => undefined);
  if (existing === undefined || force) return;
  throw alreadyExists(`${target} already exists; nothing was written.`, {
    hint: 'Choose another output with -o, or pass --force to replace it.',
  });
}

/** Writes one object's verified bytes to `path` (a new file), with `mode`. */
async function writeObject(store: ObjectStore, digest: Digest, path: string, mode: number): Promise<void> {
  await writeStreamToFile(await store.get(digest), path, { mode });
  await chmod(path, mode);
}

/** Moves `temp` to `target`, replacing what is there (a file or a folder) only after the new copy is complete. */
async function publish(temp: string, target: string): Promise<void> {
  const old = (await lstat(target).catch(() => undefined)) === undefined ? undefined : besides(target, 'old');
  if (old !== undefined) await rename(target, old);
  await rename(temp, target);
  await fsyncDirectory(dirname(target));
  if (old !== undefined) await rm(old, { recursive: true, force: true });
}

/** Writes a file object to `target` atomically (temp file beside it, then rename). */
export async function writeFileOutput(store: ObjectStore, digest: Digest, target: string, mode: number): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temp = besides(target, 'tmp');
  try {
    await writeObject(store, digest, temp, mode);
    await publish(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Writes the files of a tree (paths relative to `target`, validated when the tree was parsed) into a temp folder
 * beside `target`, then renames it into place: a killed run leaves no half-written output under the final name.
 */
export async function writeTreeOutput(
  store: ObjectStore,
  entries: readonly TreeEntry[],
  target: string,
): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temp = besides(target, 'tmp');
  try {
    await mkdir(temp);
    await mapConcurrent(entries, WRITE_CONCURRENCY, async (entry) => {
      const path = join(temp, ...entry.path.split('/'));
      await mkdir(dirname(path), { recursive: true });
      await writeObject(store, entry.digest, path, entry.mode);
    });
    await publish(temp, target);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}
