import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fsyncDirectory } from './fsync-directory.js';

export interface AtomicWriteFileOptions {
  readonly mode?: number;
}

/**
 * Replaces `path` with `data` atomically: readers see the old content or the new, never a partial file.
 * Writes a temp file beside it (same filesystem), fsyncs it, renames it over `path`, and fsyncs the directory.
 */
export const atomicWriteFile = async (
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteFileOptions = {},
): Promise<void> => {
  const directory = dirname(path);
  const temp = join(directory, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, data, { flag: 'wx', mode: options.mode ?? 0o644, flush: true });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await fsyncDirectory(directory);
};
