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
  const selected = new Map<string, Selection>();
  for (const target of targets) {
    const rel = (await userPath(ws, cwd, target)).rel;
    const matches = matchTarget(all, rel);
    if (matches.length === 0) throw notTracked(target);
    for (const match of matches) selected.set(match.tracked.pointerPath, match);
  }
  return [...selected.values()];
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
