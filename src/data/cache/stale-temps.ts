import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { WorkspaceCache } from './workspace-cache.js';

/** Temp files of killed writers older than this are removed by `slipway gc`. */
export const STALE_OBJECT_TEMP_MS = 60 * 60 * 1000;
const OBJECT_TEMP = /^\.[0-9a-f]{12}\.slipway-obj-[0-9a-z-]+$/;

/**
 * Removes temp files that writers killed mid-write left in the cache's fan-out folders (`.<hex>.slipway-obj-…`;
 * the object store never lists them as objects). Returns how many were removed.
 */
export async function removeStaleObjectTemps(cache: WorkspaceCache, now = Date.now()): Promise<number> {
  let removed = 0;
  for (const fanOut of await readdir(cache.objectsDir).catch(() => [] as string[])) {
    const folder = join(cache.objectsDir, fanOut);
    for (const name of await readdir(folder).catch(() => [] as string[])) {
      if (!OBJECT_TEMP.test(name)) continue;
      const info = await stat(join(folder, name)).catch(() => undefined);
      if (info === undefined || now - info.mtimeMs <= STALE_OBJECT_TEMP_MS) continue;
      await rm(join(folder, name), { force: true });
      removed += 1;
    }
  }
  return removed;
}
