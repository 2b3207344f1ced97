import { mkdir, readFile, realpath, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WORKSPACE_DIR } from '../config/find-workspace-root.js';
import { SlipwayError } from '../domain/errors.js';
import { atomicWriteFile } from '../lib/atomic-write-file.js';
import { openObjectStore } from '../storage/objects/registry.js';
import { gitToplevel } from './git/run-git.js';

export interface InitInput {
  /** The folder to make a workspace (usually the current directory). */
  readonly cwd: string;
  /** Allow a workspace outside any git repository. */
  readonly noScm?: boolean;
}

export interface InitResult {
  readonly root: string;
  /** False when the workspace already existed (init is idempotent). */
  readonly created: boolean;
  /** The git work tree the workspace is in, if any. */
  readonly git: string | undefined;
  readonly config: string;
  readonly cache: string;
}

/** What `.slipway/.gitignore` keeps out of git: everything but the config. */
export const DOT_DIR_IGNORES = ['/cache/', '/tmp/', '/state.db*', '/lock', '/lock.break', '/slipway.db*'];

const CONFIG_TEXT = `# Slipway workspace settings, shared through git (docs/configuration.md, docs/data.md).
schema: 1
# cache:
#   linkMode: copy   # copy | reflink | hardlink | symlink
`;

/**
 * `slipway init`: makes `cwd` a workspace — `.slipway/config.yaml` (schema 1), `.slipway/cache/` (the local object
 * store) and `.slipway/.gitignore`. Requires a git work tree unless `noScm`. Running it again changes nothing
 * that exists and restores what is missing.
 */
export async function initWorkspace(input: InitInput): Promise<InitResult> {
  const root = await realpath(input.cwd);
  const git = await gitToplevel(root);
  if (git === undefined && input.noScm !== true) {
    throw new SlipwayError('INVALID_STATE', `${root} is not inside a git repository.`, {
      hint: 'Run `git init` first (Slipway versions data alongside git), or `slipway init --no-scm`.',
    });
  }
  const dotDir = join(root, WORKSPACE_DIR);
  const created = (await stat(dotDir).catch(() => undefined)) === undefined;
  await mkdir(dotDir, { recursive: true });
  const config = join(dotDir, 'config.yaml');
  await writeFile(config, CONFIG_TEXT, { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  await ensureLines(join(dotDir, '.gitignore'), DOT_DIR_IGNORES);
  const cache = join(dotDir, 'cache');
  await (await openObjectStore(cache)).close();
  return { root, created, git, config, cache };
}

async function ensureLines(file: string, lines: readonly string[]): Promise<void> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const present = new Set(text.split(/\r?\n/).map((line) => line.trim()));
  const missing = lines.filter((line) => !present.has(line));
  if (missing.length === 0) return;
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  await atomicWriteFile(file, `${text}${separator}${missing.join('\n')}\n`);
}
