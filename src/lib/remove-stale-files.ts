import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Removes the regular files directly in `directory` last modified more than `maxAgeMs` ago. Best effort: a
 * missing directory or a file that vanishes meanwhile is not an error. Returns how many files were removed.
 */
export const removeStaleFiles = async (directory: string, maxAgeMs: number, now = Date.now()): Promise<number> => {
  const names = await readdir(directory).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const path = join(directory, name);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile() || now - info.mtimeMs <= maxAgeMs) continue;
    await rm(path, { force: true });
    removed += 1;
  }
  return removed;
};
