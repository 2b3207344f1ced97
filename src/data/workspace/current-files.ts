import { lstat, readlink, stat } from 'node:fs/promises';
import { basename, dirname, posix, resolve } from 'node:path';
import { isDigest } from '../../domain/digest.js';
import { type DigestedFile, digestFiles } from '../hashing/digest-files.js';
import { type ScannedFile, scanDirectory } from '../hashing/scan-directory.js';
import type { ProgressListener } from '../progress.js';
import { type StateEntry, stampOf } from '../state/state-index.js';
import type { Workspace } from './workspace.js';
import type { WorkspacePath } from './workspace-paths.js';

/** What is at a tracked path now. For a file, `files` has one entry whose path is `''`. */
export interface CurrentFiles {
  readonly kind: 'file' | 'directory' | 'missing' | 'other';
  /** For a directory: relative to it. */
  readonly files: DigestedFile[];
  /** Leftover temp files of a killed checkout, relative to the directory. */
  readonly temps: string[];
  /** Files that had to be hashed (the state index knew the others). */
  readonly hashed: number;
}

const EMPTY = { files: [], temps: [], hashed: 0 };

/** The current digests of the data at `data`, hashing only what the state index cannot vouch for. */
export async function currentFiles(
  ws: Workspace,
  data: WorkspacePath,
  onProgress?: ProgressListener,
): Promise<CurrentFiles> {
  const info = await lstat(data.abs).catch(() => undefined);
  if (info === undefined) return { kind: 'missing', ...EMPTY };
  if (info.isDirectory()) {
    const state = await ws.state();
    let known: Map<string, StateEntry> | undefined;
    const scan = await scanDirectory(ws, data.abs, data.rel, () => {
      known = state.load(data.rel); // synchronous: runs while the workers walk the folders
    });
    const progress = (done: number, total: number) => onProgress?.({ phase: `hashing ${data.rel}`, done, total });
    const result = await digestFiles(ws, data, scan.files, {
      store: false,
      onProgress: progress,
      ...(known ? { known } : {}),
    });
    return { kind: 'directory', files: result.files, temps: scan.temps, hashed: result.hashed };
  }
  const file = await scanSingleFile(ws, data);
  if (file === undefined) return { kind: 'other', ...EMPTY };
  const parent = posix.dirname(data.rel);
  const base = { abs: dirname(data.abs), rel: parent === '.' ? '' : parent };
  const result = await digestFiles(ws, base, [file], { store: false });
  return { kind: 'file', files: result.files.map((f) => ({ ...f, path: '' })), temps: [], hashed: result.hashed };
}

/** A tracked file as the scanner sees it: a regular file, or a link into the cache; otherwise undefined. */
export async function scanSingleFile(ws: Workspace, data: WorkspacePath): Promise<ScannedFile | undefined> {
  const info = await lstat(data.abs);
  const base = {
    path: basename(data.abs),
    stamp: stampOf(info),
    mtimeMs: info.mtimeMs,
    exec: (info.mode & 0o111) !== 0,
  };
  if (info.isFile()) return { ...base, size: info.size };
  if (!info.isSymbolicLink()) return undefined;
  const target = resolve(dirname(data.abs), await readlink(data.abs));
  const digest = `sha256:${target.slice(ws.cache.objectsDir.length + 1).replace('/', '')}`;
  const object = await stat(target).catch(() => undefined);
  if (!target.startsWith(`${ws.cache.objectsDir}/`) || !isDigest(digest) || object === undefined) return undefined;
  return { ...base, size: object.size, exec: false, linkDigest: digest };
}
