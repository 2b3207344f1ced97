import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Workspace } from '../data/workspace/workspace.js';

/**
 * `.slipway/<name>/`, created when missing with a `.gitignore` of `*` inside: the run cache and the experiment
 * journal are local to this machine and never committed.
 */
export async function localDir(ws: Workspace, name: string): Promise<string> {
  const dir = join(ws.dotDir, name);
  await mkdir(dir, { recursive: true });
  const ignore = join(dir, '.gitignore');
  if ((await stat(ignore).catch(() => undefined)) === undefined) await writeFile(ignore, '*\n');
  return dir;
}
