import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { invalidParameter, type SlipwayError } from '../../domain/errors.js';
import type { Pointer } from '../pointer/pointer-file.js';
import type { Workspace } from './workspace.js';

/** A path inside the workspace: absolute (parent folders' links resolved) and workspace-relative (`/`-separated). */
export interface WorkspacePath {
  readonly abs: string;
  readonly rel: string;
}

const inside = (path: string, folder: string): boolean => path === folder || path.startsWith(`${folder}${sep}`);

const outside = (label: string, root: string, why: string): SlipwayError =>
  invalidParameter(`${label} is outside the workspace ${root} (${why}); nothing was written.`, {
    hint: 'Slipway only reads and writes data inside its workspace; move the data under the workspace root.',
  });

/** The real path of `abs`, or of its nearest existing ancestor joined with the rest (for paths not created yet). */
async function realpathOfExisting(abs: string): Promise<string> {
  const rest: string[] = [];
  for (let current = abs; ; current = dirname(current)) {
    const real = await realpath(current).catch(() => undefined);
    if (real !== undefined) return join(real, ...rest.reverse());
    if (dirname(current) === current) return abs;
    rest.push(basename(current));
  }
}

/**
 * Checks that `abs` stays inside the workspace once symbolic links in its parent folders are resolved, and is
 * not inside `.slipway/` or `.git/` (or the cache). Returns the path with its parents resolved; the last component is
 * kept as is (it may itself be a link, which callers inspect).
 */
export async function confinedPath(ws: Workspace, abs: string, label: string): Promise<WorkspacePath> {
  const parent = await realpathOfExisting(dirname(resolve(abs)));
  const full = join(parent, basename(resolve(abs)));
  if (!inside(full, ws.root)) throw outside(label, ws.root, `it resolves to ${full}`);
  if (full === ws.root) throw invalidParameter(`${label} is the workspace root itself; name a file or folder in it.`);
  const forbidden = ws.forbidden.find((folder) => inside(full, folder));
  if (forbidden !== undefined) {
    throw invalidParameter(`${label} is inside ${forbidden}, which Slipway manages itself.`, {
      hint: 'Track data files and folders of your project, not Slipway or git internals.',
    });
  }
  return { abs: full, rel: relative(ws.root, full).split(sep).join('/') };
}

/** A path the user typed (relative to `cwd`), confined to the workspace. */
export const userPath = (ws: Workspace, cwd: string, input: string): Promise<WorkspacePath> =>
  confinedPath(ws, resolve(cwd, input), `'${input}'`);

/**
 * Where a pointer's data lives: its `path` resolved against the pointer file's folder, which must stay in the
 * workspace (no `..` or absolute paths — the schema refuses those — and no symbolic link leading out).
 */
export async function pointerDataPath(ws: Workspace, pointerRel: string, pointer: Pointer): Promise<WorkspacePath> {
  const rel = posix.join(posix.dirname(pointerRel), pointer.path);
  if (isAbsolute(pointer.path) || rel.startsWith('../') || rel === '..') {
    throw outside(`The data of pointer file ${pointerRel}`, ws.root, `its path is ${pointer.path}`);
  }
  const label = `The data of pointer file ${pointerRel}`;
  const path = await confinedPath(ws, join(ws.root, ...rel.split('/')), label);
  const info = await lstat(path.abs).catch(() => undefined);
  if (info?.isSymbolicLink()) {
    const real = await realpath(path.abs).catch(() => undefined);
    if (real !== undefined && !inside(real, ws.root) && !inside(real, ws.cache.objectsDir)) {
      throw outside(label, ws.root, `${path.rel} is a symbolic link to ${real}`);
    }
  }
  return path;
}

/** lstat, or undefined when nothing is there. */
export const lstatOrUndefined = (path: string) => lstat(path).catch(() => undefined);
