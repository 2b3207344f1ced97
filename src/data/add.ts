import { lstat, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import type { LinkMode } from '../config/config-schema.js';
import type { Digest } from '../domain/digest.js';
import { invalidParameter, notFound } from '../domain/errors.js';
import { runGit } from './git/run-git.js';
import { type DigestResult, digestFiles } from './hashing/digest-files.js';
import { type ScannedFile, scanDirectory } from './hashing/scan-directory.js';
import {
  isPointerPath,
  type Pointer,
  pointerPathFor,
  readPointerFile,
  writePointerFile,
} from './pointer/pointer-file.js';
import type { ProgressListener } from './progress.js';
import { fileModeOf, type TreeEntry, treeSize } from './tree/tree.js';
import { putTree } from './tree/tree-store.js';
import { scanSingleFile } from './workspace/current-files.js';
import { ensureIgnored } from './workspace/gitignore.js';
import type { Workspace } from './workspace/workspace.js';
import { acquireWorkspaceLock } from './workspace/workspace-lock.js';
import { userPath, type WorkspacePath } from './workspace/workspace-paths.js';

export interface AddInput {
  /** Files or directories, relative to `cwd` (or absolute), inside the workspace. */
  readonly paths: readonly string[];
  readonly cwd: string;
  /** Overrides the workspace's link mode for this run. */
  readonly linkMode?: LinkMode;
  /** A description written into the pointer file(s). */
  readonly desc?: string;
  readonly onProgress?: ProgressListener;
}

export interface AddedTarget {
  /** Workspace-relative data path. */
  readonly path: string;
  readonly pointer: string;
  readonly kind: 'file' | 'directory';
  readonly digest: Digest;
  readonly size: number;
  readonly files?: number;
  /** Whether the pointer file was written (false: it already said exactly this). */
  readonly changed: boolean;
}

export interface AddResult {
  readonly targets: AddedTarget[];
  /** Files read and hashed; the others were known to the state index. */
  readonly hashed: number;
  readonly hashedBytes: number;
  /** New objects written to the cache. */
  readonly stored: number;
  /** `.gitignore` files created or extended. */
  readonly gitignores: string[];
}

/**
 * `slipway add`: stores files and directories in the cache (a directory as a tree object), writes `<path>.slip`
 * beside each, and git-ignores the data. Objects first, pointer last: a run killed midway leaves the old pointer
 * and some extra objects, and the next run completes.
 */
export async function addToWorkspace(ws: Workspace, input: AddInput): Promise<AddResult> {
  const lock = await acquireWorkspaceLock(ws.dotDir, `slipway add ${input.paths.join(' ')}`.slice(0, 200));
  try {
    return await addLocked(ws, input);
  } finally {
    await lock.release();
  }
}

/** addToWorkspace for a caller that already holds the workspace lock (`slipway repro` storing stage outputs). */
export async function addLocked(ws: Workspace, input: AddInput): Promise<AddResult> {
  const paths = await Promise.all(input.paths.map((path) => checkTarget(ws, input.cwd, path)));
  if (ws.scm) await refuseGitTracked(ws, paths);
  const totals = { hashed: 0, hashedBytes: 0, stored: 0 };
  const targets: AddedTarget[] = [];
  const gitignores = new Set<string>();
  for (const path of paths) {
    targets.push(await addOne(ws, path, input, totals));
    const ignore = ws.scm ? await ensureIgnored(path.abs) : undefined;
    if (ignore !== undefined) gitignores.add(ignore);
  }
  return { targets, ...totals, gitignores: [...gitignores] };
}

async function checkTarget(ws: Workspace, cwd: string, input: string): Promise<WorkspacePath> {
  const path = await userPath(ws, cwd, input);
  if (isPointerPath(path.rel)) {
    throw invalidParameter(`'${input}' is a pointer file; add the data it describes instead.`);
  }
  const info = await lstat(path.abs).catch(() => undefined);
  if (info === undefined) throw notFound(`'${input}' does not exist.`, { hint: 'Check the path (relative to here).' });
  const parts = path.rel.split('/');
  for (let depth = 1; depth < parts.length; depth += 1) {
    const folder = parts.slice(0, depth).join('/');
    if ((await stat(join(ws.root, `${folder}.slip`)).catch(() => undefined)) !== undefined) {
      throw invalidParameter(`'${input}' is inside ${folder}, which is already tracked as a whole.`, {
        hint: `Run \`slipway add ${folder}\` to record changes inside it.`,
      });
    }
  }
  return path;
}

async function refuseGitTracked(ws: Workspace, paths: readonly WorkspacePath[]): Promise<void> {
  const out = await runGit(ws.root, ['ls-files', '-z', '--', ...paths.map((path) => `:(literal)${path.rel}`)]);
  const tracked = out.split('\0').filter((line) => line !== '' && !isPointerPath(line));
  if (tracked.length === 0) return;
  throw invalidParameter(`Git already tracks ${tracked.slice(0, 5).join(', ')}${tracked.length > 5 ? ', …' : ''}.`, {
    hint: `Stop tracking it in git first: git rm -r --cached ${paths.map((p) => `'${p.rel}'`).join(' ')}`,
  });
}

type Totals = { hashed: number; hashedBytes: number; stored: number };

function count(totals: Totals, result: DigestResult): void {
  totals.hashed += result.hashed;
  totals.hashedBytes += result.hashedBytes;
  totals.stored += result.stored;
}

async function addOne(ws: Workspace, path: WorkspacePath, input: AddInput, totals: Totals): Promise<AddedTarget> {
  const info = await lstat(path.abs);
  const described = info.isDirectory()
    ? await addDirectory(ws, path, input, totals)
    : await addFile(ws, path, input, totals);
  const pointerRel = pointerPathFor(path.rel);
  const pointerAbs = `${path.abs}.slip`;
  const previous = await readPointerFile(pointerAbs, pointerRel).catch(() => undefined);
  const pointer: Pointer = {
    schema: 1,
    path: basename(path.abs),
    ...described,
    ...(input.desc === undefined
      ? previous?.desc === undefined
        ? {}
        : { desc: previous.desc }
      : { desc: input.desc }),
    ...(previous?.meta === undefined ? {} : { meta: previous.meta }),
  };
  const changed = await writePointerFile(pointerAbs, pointer);
  const kind = described.files === undefined ? 'file' : 'directory';
  return { path: path.rel, pointer: pointerRel, kind, ...described, changed };
}

interface Described {
  readonly digest: Digest;
  readonly size: number;
  readonly files?: number;
}

async function addDirectory(ws: Workspace, path: WorkspacePath, input: AddInput, totals: Totals): Promise<Described> {
  input.onProgress?.({ phase: `scanning ${path.rel}`, done: 0 });
  const scan = await scanDirectory(ws, path.abs, path.rel);
  const nested = scan.files.find((file) => isPointerPath(file.path));
  if (nested !== undefined) {
    throw invalidParameter(`${path.rel} contains the pointer file ${path.rel}/${nested.path}.`, {
      hint: 'Track either the folder as a whole or the items inside it, not both.',
    });
  }
  await Promise.all(scan.temps.map((temp) => rm(join(path.abs, temp), { force: true })));
  const total = scan.files.length;
  const onProgress = (done: number) => input.onProgress?.({ phase: `adding ${path.rel}`, done, total });
  const result = await digestFiles(ws, path, scan.files, { store: true, linkMode: input.linkMode, onProgress });
  count(totals, result);
  const entries: TreeEntry[] = result.files.map((file) => ({
    path: file.path,
    digest: file.digest,
    size: file.size,
    mode: fileModeOf(file.exec),
  }));
  const digest = await putTree(ws.cache.store, entries);
  return { digest, size: treeSize(entries), files: entries.length };
}

async function addFile(ws: Workspace, path: WorkspacePath, input: AddInput, totals: Totals): Promise<Described> {
  const file = await scannedFile(ws, path);
  const base = { abs: dirname(path.abs), rel: posix.dirname(path.rel) === '.' ? '' : posix.dirname(path.rel) };
  const result = await digestFiles(ws, base, [file], { store: true, linkMode: input.linkMode });
  count(totals, result);
  const [added] = result.files;
  if (added === undefined) throw new Error('unreachable: one file in, one out');
  return { digest: added.digest, size: added.size };
}

async function scannedFile(ws: Workspace, path: WorkspacePath): Promise<ScannedFile> {
  const file = await scanSingleFile(ws, path);
  if (file !== undefined) return file;
  throw invalidParameter(`'${path.rel}' is not a regular file or folder (a symbolic link must point into the cache).`, {
    hint: 'Add the file a link points to instead of the link.',
  });
}
