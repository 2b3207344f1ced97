import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

export const WORKSPACE_DIR = '.slipway';

/**
 * The nearest directory at or above `cwd` that contains a `.slipway/` directory, or undefined. The user's
 * home directory is skipped: its `.slipway/` holds the user-level config, not a workspace.
 */
export async function findWorkspaceRoot(cwd: string, homeDir: string): Promise<string | undefined> {
  const home = resolve(homeDir);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (dir !== home && (await isDirectory(join(dir, WORKSPACE_DIR)))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
