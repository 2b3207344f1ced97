import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runGit } from '../git/run-git.js';
import type { Workspace } from '../workspace/workspace.js';
import { isPointerPath, POINTER_SUFFIX } from './pointer-file.js';

const SKIPPED_FOLDERS = new Set(['.git', '.slipway', 'node_modules']);

/**
 * Every pointer file of the workspace, workspace-relative and sorted. In git, the pointer files git knows or would
 * add (`git ls-files --cached --others --exclude-standard`): one fast call that reads no data folder. Without git,
 * a walk that skips `.git/`, `.slipway/`, `node_modules/` and every tracked folder.
 */
export async function listWorkspacePointers(ws: Workspace): Promise<string[]> {
  const found = ws.scm ? await listWithGit(ws.root) : await walk(ws.root, '');
  return [...new Set(found)].sort();
}

async function listWithGit(root: string): Promise<string[]> {
  const out = await runGit(root, [
    'ls-files',
    '-z',
    '--cached',
    '--others',
    '--exclude-standard',
    '--',
    `*${POINTER_SUFFIX}`,
  ]);
  const paths = out.split('\0').filter((path) => isPointerPath(path));
  const present = await Promise.all(paths.map((path) => exists(join(root, path))));
  return paths.filter((_, index) => present[index]);
}

const exists = (path: string) =>
  stat(path)
    .then((info) => info.isFile())
    .catch(() => false);

async function walk(abs: string, rel: string): Promise<string[]> {
  const entries = await readdir(abs, { withFileTypes: true }).catch(() => []);
  const names = new Set(entries.map((entry) => entry.name));
  const found: string[] = [];
  for (const entry of entries) {
    const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (entry.isFile() && isPointerPath(entry.name)) found.push(childRel);
    const tracked = names.has(`${entry.name}${POINTER_SUFFIX}`);
    if (entry.isDirectory() && !tracked && !SKIPPED_FOLDERS.has(entry.name)) {
      found.push(...(await walk(join(abs, entry.name), childRel)));
    }
  }
  return found;
}
