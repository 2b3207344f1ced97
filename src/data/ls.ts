import type { Digest } from '../domain/digest.js';
import { selectTracked, type Tracked } from './pointer/tracked.js';
import { isSameOrInside } from './tree/relative-path.js';
import { readTree } from './tree/tree-store.js';
import type { Workspace } from './workspace/workspace.js';
import { userPath } from './workspace/workspace-paths.js';

export interface LsEntry {
  /** Workspace-relative. */
  readonly path: string;
  readonly kind: 'file' | 'directory';
  readonly digest: Digest;
  readonly size: number;
  /** For a tracked directory: how many files it holds. */
  readonly files?: number;
  /** The pointer file, for tracked items (not for files listed inside a tracked directory). */
  readonly pointer?: string;
}

export interface LsInput {
  readonly cwd: string;
  readonly target?: string;
}

/**
 * `slipway ls`: the tracked files and directories (no target, or a folder holding pointer files); for a tracked
 * directory or a path inside one, the files its tree lists.
 */
export async function listTracked(ws: Workspace, input: LsInput): Promise<LsEntry[]> {
  const targets = input.target === undefined ? [] : [input.target];
  const selections = await selectTracked(ws, input.cwd, targets);
  const [only] = selections;
  const rel = input.target === undefined ? undefined : (await userPath(ws, input.cwd, input.target)).rel;
  const inside = only?.tracked.directory === true && (only.inner !== undefined || only.tracked.data.rel === rel);
  if (selections.length !== 1 || !inside) return selections.map(({ tracked }) => trackedEntry(tracked));
  const { tracked, inner } = only;
  const tree = await readTree(ws.cache.store, tracked.pointer.digest, tracked.data.rel);
  return tree
    .filter((entry) => inner === undefined || isSameOrInside(entry.path, inner))
    .map((entry) => ({
      path: `${tracked.data.rel}/${entry.path}`,
      kind: 'file',
      digest: entry.digest,
      size: entry.size,
    }));
}

const trackedEntry = (tracked: Tracked): LsEntry => ({
  path: tracked.data.rel,
  kind: tracked.directory ? 'directory' : 'file',
  digest: tracked.pointer.digest,
  size: tracked.pointer.size,
  ...(tracked.pointer.files === undefined ? {} : { files: tracked.pointer.files }),
  pointer: tracked.pointerPath,
});
