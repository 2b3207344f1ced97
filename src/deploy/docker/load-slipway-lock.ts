import { readFile } from 'node:fs/promises';
import { isNpmLockfile, type NpmLockfile } from './runtime-package.js';

/** Slipway's own lockfile (beside its package.json, three levels above `src/deploy/docker/` and `dist/…`). */
const SLIPWAY_LOCK = new URL('../../../package-lock.json', import.meta.url);

/**
 * Slipway's own lockfile when it ships with this installation (a source checkout has one; a package installed from
 * the registry does not), else undefined: the image then installs Slipway's pinned version without a lock.
 */
export async function loadSlipwayLock(url: URL = SLIPWAY_LOCK): Promise<NpmLockfile | undefined> {
  const text = await readFile(url, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isNpmLockfile(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
