import { execFile } from 'node:child_process';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Digest } from '../../../domain/digest.js';
import { openObjectStore } from '../../../storage/objects/registry.js';
import type { ObjectStore } from '../../../storage/objects/types.js';
import { addToWorkspace } from '../../add.js';
import { createTempWorkspace, type TempWorkspace } from '../../testing/temp-workspace.js';
import { openWorkspace, type Workspace } from '../../workspace/workspace.js';

const run = promisify(execFile);

/** A workspace with data (a directory of `files` small files and one single file) added and committed. */
export async function workspaceWithData(files = 5): Promise<TempWorkspace> {
  const t = await createTempWorkspace();
  const data: Record<string, string> = { 'data/table.csv': 'a,b\n1,2\n' };
  for (let index = 0; index < files; index += 1) data[`data/images/img-${index}.txt`] = `image ${index}\n`;
  await t.write(data);
  const ws = await t.open();
  try {
    await addToWorkspace(ws, { paths: ['data/images', 'data/table.csv'], cwd: t.root });
  } finally {
    await ws.close();
  }
  await t.git('add', '-A');
  await t.git('commit', '-qm', 'data');
  return t;
}

/** A git clone of a workspace: pointer files and config, no data, empty cache. */
export async function cloneOf(
  source: TempWorkspace,
): Promise<{ root: string; open(): Promise<Workspace>; remove(): Promise<void> }> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'slipway-clone-')));
  await run('git', ['clone', '-q', source.root, root]);
  return {
    root,
    open: () => openWorkspace({ root, cacheUri: join(root, '.slipway', 'cache'), linkMode: 'copy', workers: 2 }),
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

/** A fresh folder remote. */
export async function folderRemote(): Promise<{ root: string; store: ObjectStore; remove(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'slipway-remote-'));
  const store = await openObjectStore(root);
  return { root, store, remove: () => rm(root, { recursive: true, force: true }) };
}

export async function listAll(store: ObjectStore): Promise<Digest[]> {
  const digests: Digest[] = [];
  for await (const digest of store.list()) digests.push(digest);
  return digests.sort();
}
