import { execFile } from 'node:child_process';
import { invalidParameter, SlipwayError } from '../../domain/errors.js';

const MAX_OUTPUT_BYTES = 512 * 1024 * 1024;

export interface GitResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `git <args>` in `cwd` (argv array, never a shell). Rejects with the error and stderr of a failed run. */
export function execGit(cwd: string, args: readonly string[]): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile('git', [...args], { cwd, maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error === null) resolve({ stdout, stderr });
      else reject(Object.assign(error, { stderr }));
    });
  });
}

/** Like execGit, but failures become SlipwayErrors that quote git's own message. */
export async function runGit(cwd: string, args: readonly string[]): Promise<string> {
  try {
    return (await execGit(cwd, args)).stdout;
  } catch (error) {
    throw gitError(error, args);
  }
}

export function gitError(error: unknown, args: readonly string[]): SlipwayError {
  const failure = error as NodeJS.ErrnoException & { stderr?: string };
  if (failure.code === 'ENOENT') {
    return new SlipwayError('INVALID_STATE', 'git is not installed (or not on PATH).', {
      hint: 'Install git, or run `slipway init --no-scm` for a workspace without git.',
    });
  }
  const detail = (failure.stderr ?? failure.message).trim().split('\n')[0];
  return new SlipwayError('INVALID_STATE', `git ${args[0] ?? ''} failed: ${detail}`, {
    hint: 'Check that this is a git repository and that the revision exists (git log --oneline).',
    cause: error,
  });
}

/** The top of the git work tree that contains `cwd`, or undefined when there is none. */
export async function gitToplevel(cwd: string): Promise<string | undefined> {
  try {
    return (await execGit(cwd, ['rev-parse', '--show-toplevel'])).stdout.trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw gitError(error, ['rev-parse']);
    return undefined;
  }
}

/** The commit a revision names (`HEAD`, a branch, a tag, an abbreviated id), or undefined when it names none. */
export async function resolveCommit(cwd: string, rev: string): Promise<string | undefined> {
  if (rev === '' || rev.startsWith('-') || /[\s\0]/.test(rev)) return undefined;
  try {
    return (
      await execGit(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`])
    ).stdout.trim();
  } catch {
    return undefined;
  }
}

export async function requireCommit(cwd: string, rev: string): Promise<string> {
  const commit = await resolveCommit(cwd, rev);
  if (commit !== undefined) return commit;
  throw invalidParameter(`'${rev}' is not a git revision of this repository.`, {
    hint: 'Use a commit id, a branch, a tag or an expression such as HEAD~1 (see git log --oneline).',
  });
}
