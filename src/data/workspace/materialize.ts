import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, copyFile, link, open, rename, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { LinkMode } from '../../config/config-schema.js';
import type { Digest } from '../../domain/digest.js';
import { writeStreamToFile } from '../../lib/write-stream-to-file.js';
import type { FileMode } from '../tree/tree.js';
import type { Workspace } from './workspace.js';

/** The temp file that stands beside `target` while it is written: `.name.slipway-tmp-<12 hex>`. */
export const tempBeside = (target: string): string =>
  join(dirname(target), `.${basename(target)}.slipway-tmp-${randomBytes(6).toString('hex')}`);

export const TEMP_NAME = /^\..+\.slipway-tmp-[0-9a-f]{12}$/;

/**
 * Puts the object `digest` at `target`, atomically: the bytes (or link) go to a temp file beside it, are fsynced,
 * and are renamed over the target, so a process killed at any point leaves the old file or the new one, never a
 * partial one. Copies stream through the cache's verifying read (a corrupt object is never written out).
 */
export async function materialize(
  ws: Workspace,
  digest: Digest,
  target: string,
  mode: FileMode,
  linkMode: LinkMode,
): Promise<void> {
  const temp = tempBeside(target);
  try {
    await placeTemp(ws, digest, temp, mode, linkMode);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

async function placeTemp(ws: Workspace, digest: Digest, temp: string, mode: FileMode, linkMode: LinkMode) {
  const object = ws.cache.objectPath(digest);
  if (linkMode === 'hardlink') return link(object, temp);
  if (linkMode === 'symlink') return symlink(object, temp);
  if (linkMode === 'reflink') {
    await copyFile(object, temp, constants.COPYFILE_FICLONE | constants.COPYFILE_EXCL);
    await chmod(temp, mode);
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    return;
  }
  await writeStreamToFile(await ws.cache.store.get(digest), temp, { mode });
  await chmod(temp, mode);
}
