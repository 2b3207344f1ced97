import { realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LinkMode } from '../../config/config-schema.js';
import { WORKSPACE_DIR } from '../../config/find-workspace-root.js';
import { SlipwayError } from '../../domain/errors.js';
import { openWorkspaceCache, type WorkspaceCache } from '../cache/workspace-cache.js';
import { HashPool } from '../hashing/hash-pool.js';
import type { StateIndex } from '../state/state-index.js';

export const STATE_FILE = 'state.db';

export interface OpenWorkspaceOptions {
  /** The workspace root (the folder holding `.slipway/`), e.g. Config.workspaceRoot. */
  readonly root: string | undefined;
  /** The cache: a local folder, e.g. Config.objects.uri. */
  readonly cacheUri: string;
  readonly linkMode: LinkMode;
  /** Hashing workers (default: one per core, at most 4). */
  readonly workers?: number;
}

/** An open workspace: where it is, its cache and link mode, and (opened on first use) the state index and workers. */
export interface Workspace {
  /** The workspace root with symbolic links resolved. */
  readonly root: string;
  /** `<root>/.slipway`. */
  readonly dotDir: string;
  readonly cache: WorkspaceCache;
  readonly linkMode: LinkMode;
  /** Whether `<root>` is inside a git work tree (a `.git` at or above it). */
  readonly scm: boolean;
  /** Folders no data may be read from or written to: `.slipway/` and `.git/`. */
  readonly forbidden: readonly string[];
  state(): Promise<StateIndex>;
  pool(): HashPool;
  close(): Promise<void>;
}

export const notAWorkspace = (): SlipwayError =>
  new SlipwayError('INVALID_STATE', 'This is not a Slipway workspace (no .slipway/ folder here or above).', {
    hint: 'Run `slipway init` at the top of your git repository first.',
  });

export async function openWorkspace(options: OpenWorkspaceOptions): Promise<Workspace> {
  if (options.root === undefined) throw notAWorkspace();
  const root = await realpath(options.root);
  const dotDir = join(root, WORKSPACE_DIR);
  const cache = await openWorkspaceCache(options.cacheUri);
  let state: Promise<StateIndex> | undefined;
  let pool: HashPool | undefined;
  return {
    root,
    dotDir,
    cache,
    linkMode: options.linkMode,
    scm: await insideGitWorkTree(root),
    forbidden: [dotDir, join(root, '.git'), cache.root],
    state: () => {
      state ??= import('../state/state-index.js').then((module) => module.openStateIndex(join(dotDir, STATE_FILE)));
      return state;
    },
    pool: () => {
      pool ??= new HashPool(options.workers);
      return pool;
    },
    close: async () => {
      await pool?.close();
      if (state !== undefined) (await state).close();
      await cache.store.close();
    },
  };
}

async function insideGitWorkTree(root: string): Promise<boolean> {
  for (let dir = root; ; ) {
    if ((await stat(join(dir, '.git')).catch(() => undefined)) !== undefined) return true;
    const parent = join(dir, '..');
    if (parent === dir) return false;
    dir = parent;
  }
}
