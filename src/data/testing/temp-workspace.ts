import { execFile } from 'node:child_process';
import { lstat, lutimes, mkdir, mkdtemp, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { LinkMode } from '../../config/config-schema.js';
import { initWorkspace } from '../init.js';
import { openWorkspace, type Workspace } from '../workspace/workspace.js';

const run = promisify(execFile);

/** A throw-away git repository with a Slipway workspace at its root, for tests. */
export interface TempWorkspace {
  readonly root: string;
  /** Opens the workspace (a new handle each time; close it). */
  open(linkMode?: LinkMode): Promise<Workspace>;
  /** Runs git in the repository; returns its stdout. */
  git(...args: string[]): Promise<string>;
  /** Writes files (path → content), creating folders. */
  write(files: Record<string, string | Buffer>): Promise<void>;
  /** Sets the mtime of these files (folders: every file below) 10 s back, out of the state index's racy window. */
  age(...paths: string[]): Promise<void>;
  remove(): Promise<void>;
}

export async function createTempWorkspace(options: { git?: boolean } = {}): Promise<TempWorkspace> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'slipway-data-')));
  const git = async (...args: string[]) => (await run('git', args, { cwd: root, maxBuffer: 64 << 20 })).stdout;
  if (options.git !== false) {
    await git('init', '-q', '-b', 'main');
    await git('config', 'user.name', 'Slipway Test');
    await git('config', 'user.email', 'test@example.com');
    await git('config', 'commit.gpgsign', 'false');
  }
  await initWorkspace({ cwd: root, noScm: options.git === false });
  return {
    root,
    open: (linkMode = 'copy') =>
      openWorkspace({ root, cacheUri: join(root, '.slipway', 'cache'), linkMode, workers: 2 }),
    git,
    write: async (files) => {
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(root, path)), { recursive: true });
        await writeFile(join(root, path), content);
      }
    },
    age: async (...paths) => {
      for (const path of paths) await ageTree(join(root, path));
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

async function ageTree(path: string): Promise<void> {
  const info = await lstat(path);
  if (info.isDirectory()) {
    for (const name of await readdir(path)) await ageTree(join(path, name));
    return;
  }
  const past = new Date(Date.now() - 10_000);
  await lutimes(path, past, past);
}

/** The error a promise rejects with (failing the test when it resolves instead). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { code: string; hint?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code: string; hint?: string };
  }
  throw new Error('expected the promise to reject');
}
