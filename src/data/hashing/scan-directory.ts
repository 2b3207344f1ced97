import type { Digest } from '../../domain/digest.js';
import { invalidParameter } from '../../domain/errors.js';
import type { Workspace } from '../workspace/workspace.js';
import { workerError } from './worker-errors.js';

/** A file found under a tracked directory, as `lstat` (or `stat`, for followed links) saw it. */
export interface ScannedFile {
  /** Relative to the scanned directory, `/`-separated. */
  readonly path: string;
  readonly size: number;
  /** `inode:size:mtimeMs`, compared with the state index. */
  readonly stamp: string;
  readonly mtimeMs: number;
  readonly exec: boolean;
  /** For a symbolic link into the cache (symlink mode): the object it points at. */
  readonly linkDigest?: Digest;
}

export interface ScanResult {
  readonly files: ScannedFile[];
  /** Leftover temp files of a killed checkout (`.name.slipway-tmp-…`), relative to the directory. */
  readonly temps: string[];
}

/** The files of a scan as the worker sends them: in columns. */
interface FileColumns {
  readonly count: number;
  readonly paths: string;
  readonly stamps: string;
  readonly sizes: Float64Array;
  readonly mtimes: Float64Array;
  readonly execs: Uint8Array;
  readonly links: Array<[number, Digest]>;
}

interface WorkerScan extends Omit<ScanResult, 'files'> {
  readonly files: FileColumns;
  readonly dirs: Array<{ abs: string; rel: string }>;
  readonly problems: Array<{ path: string; problem: 'special' | 'dangling' | 'escapes' }>;
}

const PROBLEMS = {
  special: 'is not a regular file or folder',
  dangling: 'is a symbolic link to nothing',
  escapes: 'is a symbolic link leading out of the workspace',
} as const;

/**
 * Lists every file under `abs` (recursively) in the hashing workers: the top level first, then each subfolder as
 * its own task so the workers share the walk. A missing folder gives no files. Links into the cache are reported
 * with their digest; links to files inside the workspace are followed; anything else is an error listing the files.
 */
export async function scanDirectory(
  ws: Workspace,
  abs: string,
  label: string,
  /** Called once the workers have all their tasks: main-thread work placed here overlaps the walk. */
  meanwhile?: () => void,
): Promise<ScanResult> {
  const args = { root: ws.root, forbidden: ws.forbidden, objects: ws.cache.objectsDir };
  const run = (dir: string, prefix: string, recursive: boolean) =>
    ws
      .pool()
      .run<WorkerScan>('scan', { ...args, dir, prefix, recursive })
      .catch((error: unknown) => {
        throw workerError(error, (path) => `${label}/${path ?? ''}`);
      });
  const top = await run(abs, '', false);
  const walking = Promise.all(top.dirs.map((dir) => run(dir.abs, dir.rel, true)));
  walking.catch(() => {});
  meanwhile?.();
  const below = await walking;
  const parts = [top, ...below];
  const problems = parts.flatMap((part) => part.problems);
  if (problems.length > 0) throw scanProblems(label, problems);
  return { files: parts.flatMap((part) => rows(part.files)), temps: parts.flatMap((part) => part.temps) };
}

function rows(columns: FileColumns): ScannedFile[] {
  if (columns.count === 0) return [];
  const paths = columns.paths.split('\0');
  const stamps = columns.stamps.split('\0');
  const files = paths.map(
    (path, index): ScannedFile => ({
      path,
      size: columns.sizes[index] as number,
      stamp: stamps[index] as string,
      mtimeMs: columns.mtimes[index] as number,
      exec: columns.execs[index] === 1,
    }),
  );
  for (const [index, linkDigest] of columns.links) files[index] = { ...(files[index] as ScannedFile), linkDigest };
  return files;
}

function scanProblems(label: string, problems: WorkerScan['problems']) {
  const shown = problems.slice(0, 20).map(({ path, problem }) => `  - ${label}/${path} ${PROBLEMS[problem]}`);
  const more = problems.length > 20 ? [`  … and ${problems.length - 20} more`] : [];
  return invalidParameter(`Cannot track ${label}:\n${[...shown, ...more].join('\n')}`, {
    hint: 'Slipway tracks regular files (and links to files inside the workspace); remove or replace these.',
  });
}
