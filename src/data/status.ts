import { createHash } from 'node:crypto';
import type { Digest } from '../domain/digest.js';
import { missingObjects } from './cache/missing-objects.js';
import { selectTracked, type Tracked, uniqueTracked } from './pointer/tracked.js';
import type { ProgressListener } from './progress.js';
import { compareCodePoints } from './tree/relative-path.js';
import { fileModeOf, serializeTree, type TreeEntry } from './tree/tree.js';
import { tryReadTree } from './tree/tree-store.js';
import { type CurrentFiles, currentFiles } from './workspace/current-files.js';
import type { Workspace } from './workspace/workspace.js';

/** The changes `slipway status` reports, as DVC names them. */
export type ChangeKind = 'new' | 'modified' | 'deleted' | 'not in cache';

export interface Change {
  /** Workspace-relative. */
  readonly path: string;
  readonly change: ChangeKind;
}

export interface TrackedStatus {
  readonly pointer: string;
  readonly path: string;
  readonly changes: Change[];
}

export interface StatusResult {
  /** True when no tracked item has a change. */
  readonly clean: boolean;
  /** Tracked items with at least one change. */
  readonly tracked: TrackedStatus[];
  /** Files read and hashed; every other file was vouched for by the state index. */
  readonly hashed: number;
}

export interface StatusInput {
  readonly cwd: string;
  readonly targets?: readonly string[];
  readonly onProgress?: ProgressListener;
}

/**
 * `slipway status`: the workspace against its pointer files. Per file inside tracked directories: new, modified,
 * deleted; and objects the pointers need that the cache lacks. Unchanged files are never hashed (state index).
 */
export async function workspaceStatus(ws: Workspace, input: StatusInput): Promise<StatusResult> {
  const selections = await selectTracked(ws, input.cwd, input.targets ?? []);
  const tracked: TrackedStatus[] = [];
  let hashed = 0;
  for (const item of uniqueTracked(selections)) {
    const current = await currentFiles(ws, item.data, input.onProgress);
    hashed += current.hashed;
    const unchanged = unchangedDirectory(item, current);
    const changes = unchanged
      ? notInCache(
          item,
          current,
          await missingObjects(ws, [item.pointer.digest, ...current.files.map((f) => f.digest)]),
        )
      : item.directory
        ? directoryChanges(item, current, await expectedState(ws, item))
        : fileChanges(item, current, await expectedState(ws, item));
    if (changes.length > 0) tracked.push({ pointer: item.pointerPath, path: item.data.rel, changes });
  }
  return { clean: tracked.length === 0, tracked, hashed };
}

/** What the pointer says: its tree (directories; undefined when absent) and which needed objects are missing. */
interface Expected {
  readonly tree: TreeEntry[] | undefined;
  readonly missing: Set<Digest>;
}

/**
 * Whether a tracked directory holds exactly what its pointer names: the tree its files would make now has the
 * pointer's digest. Then its tree object need not be read, parsed and compared entry by entry (the common case of
 * `slipway status` on a large directory that did not change).
 */
const unchangedDirectory = (item: Tracked, current: CurrentFiles): boolean =>
  item.directory && current.kind === 'directory' && digestOfFiles(current) === item.pointer.digest;

/** For an unchanged directory: its tree object and the files whose objects the cache lacks. */
function notInCache(item: Tracked, current: CurrentFiles, missing: Set<Digest>): Change[] {
  if (missing.size === 0) return [];
  const changes: Change[] = missing.has(item.pointer.digest) ? [{ path: item.data.rel, change: 'not in cache' }] : [];
  for (const file of current.files) {
    if (missing.has(file.digest)) changes.push({ path: `${item.data.rel}/${file.path}`, change: 'not in cache' });
  }
  return changes.sort((a, b) => compareCodePoints(a.path, b.path));
}

/** Reads the tree and checks which objects the cache lacks. */
async function expectedState(ws: Workspace, item: Tracked): Promise<Expected> {
  const tree = item.directory ? await tryReadTree(ws.cache.store, item.pointer.digest, item.pointerPath) : undefined;
  const missing = await missingObjects(ws, [item.pointer.digest, ...(tree ?? []).map((entry) => entry.digest)]);
  return { tree, missing };
}

function fileChanges(item: Tracked, current: CurrentFiles, expected: Expected): Change[] {
  const path = item.data.rel;
  const changes: Change[] = [];
  const [file] = current.files;
  if (current.kind === 'missing') changes.push({ path, change: 'deleted' });
  else if (file === undefined || file.digest !== item.pointer.digest) changes.push({ path, change: 'modified' });
  if (expected.missing.has(item.pointer.digest)) changes.push({ path, change: 'not in cache' });
  return changes;
}

function directoryChanges(item: Tracked, current: CurrentFiles, { tree, missing }: Expected): Change[] {
  const path = item.data.rel;
  const treeMissing: Change[] = missing.has(item.pointer.digest) ? [{ path, change: 'not in cache' }] : [];
  if (current.kind === 'missing') return [{ path, change: 'deleted' }, ...treeMissing];
  if (current.kind !== 'directory') return [{ path, change: 'modified' }, ...treeMissing];
  if (tree === undefined) {
    const modified = digestOfFiles(current) === item.pointer.digest ? [] : [{ path, change: 'modified' as const }];
    return [...modified, { path, change: 'not in cache' }];
  }
  const changes = compareTree(path, tree, current);
  for (const entry of tree) {
    if (missing.has(entry.digest)) changes.push({ path: `${path}/${entry.path}`, change: 'not in cache' });
  }
  return changes.sort((a, b) => compareCodePoints(a.path, b.path));
}

function compareTree(path: string, tree: readonly TreeEntry[], current: CurrentFiles): Change[] {
  const now = new Map(current.files.map((file) => [file.path, file.digest]));
  const changes: Change[] = [];
  for (const entry of tree) {
    const digest = now.get(entry.path);
    if (digest === undefined) changes.push({ path: `${path}/${entry.path}`, change: 'deleted' });
    else if (digest !== entry.digest) changes.push({ path: `${path}/${entry.path}`, change: 'modified' });
    now.delete(entry.path);
  }
  for (const file of now.keys()) changes.push({ path: `${path}/${file}`, change: 'new' });
  return changes;
}

/** The digest the directory would have if added now (without storing anything). */
function digestOfFiles(current: CurrentFiles): Digest {
  const entries = current.files.map((f) => ({
    path: f.path,
    digest: f.digest,
    size: f.size,
    mode: fileModeOf(f.exec),
  }));
  return `sha256:${createHash('sha256').update(serializeTree(entries)).digest('hex')}`;
}
