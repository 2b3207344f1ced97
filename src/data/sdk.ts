import { homedir } from 'node:os';
import type { Readable } from 'node:stream';
import type { LinkMode } from '../config/config-schema.js';
import type { Env } from '../config/env-layer.js';
import { loadConfig } from '../config/load-config.js';
import { type AddResult, addToWorkspace } from './add.js';
import { type LsEntry, listTracked } from './ls.js';
import { openTracked } from './open.js';
import type { ProgressListener } from './progress.js';
import { openWorkspace, type Workspace } from './workspace/workspace.js';

/** Where to find the workspace: the directory to start from (default the process's), environment and home. */
export interface WorkspaceLocation {
  readonly cwd?: string;
  readonly env?: Env;
  readonly homeDir?: string;
}

/** Opens the workspace above `cwd` with its configuration (cache folder, link mode). Close it when done. */
export async function openWorkspaceAt(location: WorkspaceLocation = {}): Promise<Workspace> {
  const cwd = location.cwd ?? process.cwd();
  const config = await loadConfig({ cwd, env: location.env ?? process.env, homeDir: location.homeDir ?? homedir() });
  return openWorkspace({ root: config.workspaceRoot, cacheUri: config.objects.uri, linkMode: config.cache.linkMode });
}

/**
 * What the workspace above `cwd` tracks (its pointer files: path, digest, size, file count), or nothing when `cwd`
 * is not inside a Slipway workspace. Runs record it as their data inputs.
 */
export async function trackedInWorkspace(location: WorkspaceLocation = {}): Promise<LsEntry[]> {
  const cwd = location.cwd ?? process.cwd();
  const config = await loadConfig({ cwd, env: location.env ?? process.env, homeDir: location.homeDir ?? homedir() });
  if (config.workspaceRoot === undefined) return [];
  const ws = await openWorkspace({ root: config.workspaceRoot, cacheUri: config.objects.uri, linkMode: 'copy' });
  try {
    return await listTracked(ws, { cwd: ws.root });
  } finally {
    await ws.close();
  }
}

export interface AddOptions extends WorkspaceLocation {
  readonly linkMode?: LinkMode;
  readonly desc?: string;
  readonly onProgress?: ProgressListener;
}

/** SDK: `slipway add` — track files or directories (paths relative to `cwd`). */
export async function add(paths: readonly string[], options: AddOptions = {}): Promise<AddResult> {
  const ws = await openWorkspaceAt(options);
  try {
    return await addToWorkspace(ws, { ...options, paths, cwd: options.cwd ?? process.cwd() });
  } finally {
    await ws.close();
  }
}

export interface OpenOptions extends WorkspaceLocation {
  /** A git revision (commit, branch, tag, HEAD~2…); default the workspace's pointer files. */
  readonly rev?: string;
}

/**
 * SDK: a stream of a tracked file (or a file inside a tracked directory) as it was at `rev`, from the cache and
 * verified against its digest while read.
 */
export async function open(path: string, options: OpenOptions = {}): Promise<Readable> {
  const ws = await openWorkspaceAt(options);
  try {
    return await openTracked(ws, {
      path,
      cwd: options.cwd ?? process.cwd(),
      ...(options.rev ? { rev: options.rev } : {}),
    });
  } finally {
    await ws.close();
  }
}
