import type { Digest } from '../domain/digest.js';
import { requireCommit, resolveCommit } from './git/run-git.js';
import { loadAllTracked } from './pointer/tracked.js';
import type { ProgressListener } from './progress.js';
import { pointersAtRevision } from './revision-pointers.js';
import { compareCodePoints, isSameOrInside } from './tree/relative-path.js';
import { readTree } from './tree/tree-store.js';
import { currentFiles } from './workspace/current-files.js';
import type { Workspace } from './workspace/workspace.js';
import { userPath } from './workspace/workspace-paths.js';

export interface DiffInput {
  readonly cwd: string;
  /** Default HEAD. */
  readonly from?: string;
  /** A revision; default the workspace (the data files as they are now). */
  readonly to?: string;
  readonly targets?: readonly string[];
  readonly onProgress?: ProgressListener;
}

export interface DiffFile {
  readonly path: string;
  readonly digest: Digest;
  readonly size: number;
}

export interface ModifiedFile {
  readonly path: string;
  readonly oldDigest: Digest;
  readonly newDigest: Digest;
  readonly oldSize: number;
  readonly newSize: number;
}

export interface DiffResult {
  readonly from: string;
  readonly to: string;
  readonly added: DiffFile[];
  readonly modified: ModifiedFile[];
  readonly deleted: DiffFile[];
}

/** Tracked files (workspace-relative path → content) on one side of a diff. */
type Side = Map<string, { digest: Digest; size: number }>;

const full = (data: string, inner: string) => (inner === '' ? data : `${data}/${inner}`);

/**
 * `slipway diff`: file by file, what changed inside tracked data between two revisions, or a revision and the
 * workspace. Tree objects come from the cache; a missing one is named, with the pull hint.
 */
export async function diffData(ws: Workspace, input: DiffInput): Promise<DiffResult> {
  const from = input.from ?? 'HEAD';
  const before = await revisionSide(ws, from);
  const after = input.to === undefined ? await workspaceSide(ws, input.onProgress) : await revisionSide(ws, input.to);
  const targets = await Promise.all((input.targets ?? []).map(async (t) => (await userPath(ws, input.cwd, t)).rel));
  const wanted = (path: string) => targets.length === 0 || targets.some((target) => isSameOrInside(path, target));
  return { from, to: input.to ?? 'workspace', ...compareSides(before, after, wanted) };
}

async function revisionSide(ws: Workspace, rev: string): Promise<Side> {
  const commit = await requireCommit(ws.root, rev);
  const side: Side = new Map();
  for (const item of await pointersAtRevision(ws, commit, rev)) {
    if (!item.directory) {
      side.set(item.dataPath, { digest: item.pointer.digest, size: item.pointer.size });
      continue;
    }
    const tree = await readTree(ws.cache.store, item.pointer.digest, `${item.dataPath} at ${rev}`);
    for (const entry of tree) side.set(full(item.dataPath, entry.path), { digest: entry.digest, size: entry.size });
  }
  return side;
}

async function workspaceSide(ws: Workspace, onProgress?: ProgressListener): Promise<Side> {
  const side: Side = new Map();
  for (const item of await loadAllTracked(ws)) {
    const current = await currentFiles(ws, item.data, onProgress);
    if (current.kind !== (item.directory ? 'directory' : 'file')) continue;
    for (const file of current.files)
      side.set(full(item.data.rel, file.path), { digest: file.digest, size: file.size });
  }
  return side;
}

function compareSides(before: Side, after: Side, wanted: (path: string) => boolean) {
  const added: DiffFile[] = [];
  const modified: ModifiedFile[] = [];
  const deleted: DiffFile[] = [];
  for (const [path, old] of before) {
    if (!wanted(path)) continue;
    const now = after.get(path);
    if (now === undefined) deleted.push({ path, ...old });
    else if (now.digest !== old.digest) {
      modified.push({ path, oldDigest: old.digest, newDigest: now.digest, oldSize: old.size, newSize: now.size });
    }
  }
  for (const [path, now] of after) if (wanted(path) && !before.has(path)) added.push({ path, ...now });
  const byPath = (a: { path: string }, b: { path: string }) => compareCodePoints(a.path, b.path);
  return { added: added.sort(byPath), modified: modified.sort(byPath), deleted: deleted.sort(byPath) };
}

/**
 * Splits `slipway diff` arguments into revisions and targets: leading arguments that name commits (at most two)
 * are revisions, the rest targets.
 */
export async function splitDiffArguments(ws: Workspace, args: readonly string[]) {
  const revisions: string[] = [];
  let index = 0;
  while (index < args.length && revisions.length < 2 && (await resolveCommit(ws.root, args[index] as string))) {
    revisions.push(args[index] as string);
    index += 1;
  }
  return { from: revisions[0], to: revisions[1], targets: args.slice(index) };
}
