import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { arch, platform, release, userInfo } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Tag } from './types.js';

export interface LineageInput {
  /** Where the run starts; git is asked about the repository containing it. */
  readonly cwd: string;
  /** The command line, as process.argv. */
  readonly argv: readonly string[];
  /** `mlflow.source.name`: default the script (argv[1]). */
  readonly sourceName?: string | undefined;
}

/** The longest `slipway.command` recorded; longer command lines are cut (run tag values hold 8000). */
const MAX_COMMAND_LENGTH = 4000;
const SAFE_WORD = /^[A-Za-z0-9_\-.,:/=@%+]+$/;

/** argv as a POSIX shell would read it back: plain words as they are, others single-quoted. */
export function quoteCommand(argv: readonly string[]): string {
  const line = argv.map((arg) => (SAFE_WORD.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)).join(' ');
  return line.length <= MAX_COMMAND_LENGTH ? line : `${line.slice(0, MAX_COMMAND_LENGTH - 1)}…`;
}

/** Runs git with an argv array (no shell); undefined when git fails or is missing. */
function git(cwd: string, args: readonly string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', [...args], { cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout) =>
      resolve(error ? undefined : stdout.trim()),
    );
  });
}

/** `sha256:<hex>` of what `git diff HEAD` prints, hashed as it streams. */
function gitDiffDigest(cwd: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const hash = createHash('sha256');
    const child = spawn('git', ['diff', '--no-color', '--no-ext-diff', 'HEAD'], {
      cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    child.stdout.on('data', (chunk: Buffer) => hash.update(chunk));
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => resolve(code === 0 ? `sha256:${hash.digest('hex')}` : undefined));
  });
}

async function fileDigest(path: string): Promise<string | undefined> {
  const hash = createHash('sha256');
  try {
    await pipeline(createReadStream(path), hash);
    return `sha256:${hash.digest('hex')}`;
  } catch {
    return undefined;
  }
}

function currentUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

async function gitTags(root: string): Promise<Record<string, string | undefined>> {
  const [commit, branch, status] = await Promise.all([
    git(root, ['rev-parse', '--verify', '-q', 'HEAD']),
    git(root, ['rev-parse', '--abbrev-ref', 'HEAD']),
    git(root, ['status', '--porcelain', '--untracked-files=no']),
  ]);
  const dirty = status === undefined ? undefined : status !== '';
  return {
    'slipway.git.commit': commit || undefined,
    'slipway.git.branch': branch && branch !== 'HEAD' ? branch : undefined,
    'slipway.git.dirty': dirty === undefined ? undefined : String(dirty),
    'slipway.git.diff_digest': dirty && commit ? await gitDiffDigest(root) : undefined,
    'mlflow.source.git.commit': commit || undefined,
    'mlflow.source.git.branch': branch && branch !== 'HEAD' ? branch : undefined,
  };
}

/**
 * The lineage tags of a run started here: git commit, branch, dirty flag and digest of the uncommitted diff
 * (tracked files only), the command line, Node and OS versions, the digest of package-lock.json, and MLflow's
 * standard `mlflow.source.*` and `mlflow.user` tags. Outside a git repository the git tags are left out.
 */
export async function captureLineage(input: LineageInput): Promise<Tag[]> {
  const root = await git(input.cwd, ['rev-parse', '--show-toplevel']);
  const values: Record<string, string | undefined> = {
    ...(root === undefined ? {} : await gitTags(root)),
    'slipway.command': quoteCommand(input.argv),
    'slipway.env.node': process.version,
    'slipway.env.os': `${platform()} ${release()} ${arch()}`,
    'slipway.env.lockfile_digest': await fileDigest(join(root ?? input.cwd, 'package-lock.json')),
    'mlflow.source.name': input.sourceName ?? input.argv[1],
    'mlflow.source.type': 'LOCAL',
    'mlflow.user': currentUser(),
  };
  return Object.entries(values).flatMap(([key, value]) => (value === undefined ? [] : [{ key, value }]));
}
