import { join } from 'node:path';
import { invalidParameter } from '../../domain/errors.js';
import { isSameOrInside } from '../tree/relative-path.js';
import type { Workspace } from '../workspace/workspace.js';
import { pointerDataPath, userPath, type WorkspacePath } from '../workspace/workspace-paths.js';
import { listWorkspacePointers } from './find-pointers.js';
import { isDirectoryPointer, isPointerPath, type Pointer, readPointerFile } from './pointer-file.js';

/** A tracked file or directory: its pointer file and where its data lives. */
export interface Tracked {
  /** Workspace-relative path of the pointer file. */
  readonly pointerPath: string;
  readonly pointer: Pointer;
  readonly data: WorkspacePath;
  readonly directory: boolean;
}

export async function loadTracked(ws: Workspace, pointerPath: string): Promise<Tracked> {
  const pointer = await readPointerFile(join(ws.root, ...pointerPath.split('/')), pointerPath);
  const data = await pointerDataPath(ws, pointerPath, pointer);
  return { pointerPath, pointer, data, directory: isDirectoryPointer(pointer) };
}

export const loadAllTracked = async (ws: Workspace): Promise<Tracked[]> =>
  Promise.all((await listWorkspacePointers(ws)).map((path) => loadTracked(ws, path)));

/** A selected tracked item, and the part of it a target named (a file inside a tracked directory). */
export interface Selection {
  readonly tracked: Tracked;
  /** Relative to the tracked directory; undefined for the whole item. */
  readonly inner?: string;
}

/**
 * The tracked items that targets name (all of them when there are none). A target may be the data path, its pointer
 * file, a folder holding pointer files, or a path inside a tracked directory.
 */
export async function selectTracked(ws: Workspace, cwd: string, targets: readonly string[]): Promise<Selection[]> {
  const all = await loadAllTracked(ws);
  if (targets.length === 0) return all.map((tracked) => ({ tracked }));
  const selected: Selection[] = [];
  for (const target of targets) {
    const rel = (await userPath(ws, cwd, target)).rel;
    const matches = matchTarget(all, rel);
    if (matches.length === 0) throw notTracked(target);
    selected.push(...matches);
  }
  return withoutOverlaps(selected);
}

/** The tracked items of selections, each once (several targets may fall inside one tracked directory). */
export const uniqueTracked = (selections: readonly Selection[]): Tracked[] => [
  ...new Map(selections.map(({ tracked }) => [tracked.pointerPath, tracked])).values(),
];

/** One selection per part of a tracked item: a whole item absorbs its inner parts, a folder the paths under it. */
function withoutOverlaps(selections: readonly Selection[]): Selection[] {
  const kept: Selection[] = [];
  for (const selection of selections) {
    const covers = (other: Selection) =>
      other.tracked.pointerPath === selection.tracked.pointerPath &&
      (other.inner === undefined || (selection.inner !== undefined && isSameOrInside(selection.inner, other.inner)));
    if (kept.some(covers)) continue;
    const absorbed = kept.filter(
      (other) =>
        other.tracked.pointerPath === selection.tracked.pointerPath &&
        (selection.inner === undefined || (other.inner !== undefined && isSameOrInside(other.inner, selection.inner))),
    );
    for (const other of absorbed) kept.splice(kept.indexOf(other), 1);
    kept.push(selection);
  }
  return kept;
}

function matchTarget(all: readonly Tracked[], rel: string): Selection[] {
  const exact = all.filter((t) => t.data.rel === rel || t.pointerPath === rel);
  if (exact.length > 0) return exact.map((tracked) => ({ tracked }));
  const holder = all.find((t) => t.directory && isSameOrInside(rel, t.data.rel));
  if (holder !== undefined) return [{ tracked: holder, inner: rel.slice(holder.data.rel.length + 1) }];
  if (isPointerPath(rel)) return [];
  return all.filter((t) => isSameOrInside(t.pointerPath, rel)).map((tracked) => ({ tracked }));
}

const notTracked = (target: string) =>
  invalidParameter(`'${target}' is not tracked by Slipway (no pointer file for it or under it).`, {
    hint: 'Track it with `slipway add <path>`; `slipway ls` lists what is tracked.',
  });
