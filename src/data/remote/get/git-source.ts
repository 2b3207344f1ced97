import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { invalidParameter, SlipwayError } from '../../../domain/errors.js';

const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/**
 * Options that keep a fetched repository inert: no hooks, no `ext::` transport (it runs commands), no fsmonitor.
 * Nothing is ever checked out, so no filter or attribute of the repository runs either.
 */
const SAFE = ['-c', 'core.hooksPath=/dev/null', '-c', 'protocol.ext.allow=never', '-c', 'core.fsmonitor=false'];

const run = (cwd: string, args: readonly string[]): Promise<string> =>
  new Promise((done, fail) => {
    const env = { ...process.env, GIT_TERMINAL_PROMPT: '0' };
    execFile(
      'git',
      [...SAFE, ...args],
      { cwd, env, maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error === null) done(stdout);
        else fail(Object.assign(error, { stderr }));
      },
    );
  });

const gitFailed = (error: unknown, what: string): SlipwayError => {
  const failure = error as NodeJS.ErrnoException & { stderr?: string };
  if (failure.code === 'ENOENT') {
    return new SlipwayError('INVALID_STATE', 'git is not installed (or not on PATH).', { hint: 'Install git.' });
  }
  const detail = (failure.stderr ?? failure.message).trim().split('\n').pop() ?? '';
  return new SlipwayError('TEMPORARILY_UNAVAILABLE', `${what} failed: ${detail}`, {
    hint: 'Check the repository URL, the revision, and your access to the repository (git ls-remote <repo>).',
    cause: error,
  });
};

/** A revision of another repository fetched into a temp bare repository (no work tree). */
export interface FetchedRepo {
  /** The repository as given, or as an absolute path for a local one. */
  readonly repo: string;
  /** A local folder holding the repository (relative remote paths resolve against it), if it is one. */
  readonly localPath: string | undefined;
  readonly commit: string;
  /** The blob at `path` in that commit, or undefined. */
  readBlob(path: string): Promise<string | undefined>;
  remove(): Promise<void>;
}

const looksLikeUrl = (repo: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(repo) || /^[^/]+@[^/]+:/.test(repo);

const checkRepo = (repo: string): void => {
  if (repo === '' || repo.startsWith('-') || /^ext::/i.test(repo) || /[\0\n]/.test(repo)) {
    throw invalidParameter(`'${repo.slice(0, 80)}' is not a git repository URL or path.`, {
      hint: 'Use https://host/owner/repo.git, git@host:owner/repo.git or a local path.',
    });
  }
};

const checkRev = (rev: string): void => {
  if (rev === '' || rev.startsWith('-') || /[\s\0:]/.test(rev)) {
    throw invalidParameter(`'${rev.slice(0, 80)}' is not a git revision.`, {
      hint: 'Use a branch, a tag or a commit id.',
    });
  }
};

/** Fetches `rev` (default: the remote HEAD) of `repo` shallowly; falls back to a full fetch for arbitrary commits. */
export async function fetchRevision(repo: string, rev: string | undefined, cwd: string): Promise<FetchedRepo> {
  checkRepo(repo);
  if (rev !== undefined) checkRev(rev);
  const localPath = looksLikeUrl(repo) ? undefined : isAbsolute(repo) ? repo : resolve(cwd, repo);
  const source = localPath ?? repo;
  const dir = await mkdtemp(join(tmpdir(), 'slipway-get-'));
  try {
    await run(dir, ['init', '-q', '--bare']);
    await run(dir, ['remote', 'add', 'origin', source]).catch((error: unknown) => {
      throw gitFailed(error, `git remote add ${source}`);
    });
    const commit = await fetchCommit(dir, rev);
    const readBlob = (path: string) => run(dir, ['cat-file', 'blob', `${commit}:${path}`]).catch(() => undefined);
    return { repo: source, localPath, commit, readBlob, remove: () => rm(dir, { recursive: true, force: true }) };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function fetchCommit(dir: string, rev: string | undefined): Promise<string> {
  try {
    await run(dir, ['fetch', '-q', '--depth', '1', '--no-tags', 'origin', rev ?? 'HEAD']);
    return (await run(dir, ['rev-parse', '--verify', 'FETCH_HEAD^{commit}'])).trim();
  } catch (error) {
    if (rev === undefined) throw gitFailed(error, 'git fetch');
  }
  await run(dir, ['fetch', '-q', 'origin', '+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*']).catch(
    (error: unknown) => {
      throw gitFailed(error, 'git fetch');
    },
  );
  for (const candidate of [rev, `origin/${rev}`]) {
    const commit = await run(dir, [
      'rev-parse',
      '--verify',
      '--quiet',
      '--end-of-options',
      `${candidate}^{commit}`,
    ]).catch(() => '');
    if (commit.trim() !== '') return commit.trim();
  }
  throw invalidParameter(`'${rev}' is not a revision of the repository.`, {
    hint: 'Use a branch, a tag or a commit id that exists there (git ls-remote <repo>).',
  });
}
