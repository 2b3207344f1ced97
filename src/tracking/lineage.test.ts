import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { captureLineage, quoteCommand } from './lineage.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'slipway-lineage-')));
  dirs.push(dir);
  return dir;
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd }).toString();

const tagsOf = async (cwd: string) =>
  Object.fromEntries(
    (await captureLineage({ cwd, argv: ['node', 'train.js', '--lr', "0.1'x"] })).map((t) => [t.key, t.value]),
  );

const sha256 = (data: string | Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

describe('captureLineage', () => {
  it('records commit, branch and a clean tree, the command, the environment and the lockfile', async () => {
    const dir = await tempDir();
    git(dir, 'init', '-q', '-b', 'main');
    await writeFile(join(dir, 'package-lock.json'), '{"lockfileVersion":3}');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'first');
    const commit = git(dir, 'rev-parse', 'HEAD').trim();
    const tags = await tagsOf(dir);
    expect(tags).toMatchObject({
      'slipway.git.commit': commit,
      'slipway.git.branch': 'main',
      'slipway.git.dirty': 'false',
      'mlflow.source.git.commit': commit,
      'mlflow.source.name': 'train.js',
      'mlflow.source.type': 'LOCAL',
      'slipway.command': `node train.js --lr '0.1'\\''x'`,
      'slipway.env.node': process.version,
      'slipway.env.lockfile_digest': sha256('{"lockfileVersion":3}'),
    });
    expect(tags['slipway.git.diff_digest']).toBeUndefined();
  });

  it('marks a dirty tree and digests git diff HEAD', async () => {
    const dir = await tempDir();
    git(dir, 'init', '-q', '-b', 'main');
    await writeFile(join(dir, 'a.txt'), 'one\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'first');
    await writeFile(join(dir, 'a.txt'), 'two\n');
    const tags = await tagsOf(dir);
    expect(tags['slipway.git.dirty']).toBe('true');
    const diff = execFileSync('git', ['diff', '--no-color', '--no-ext-diff', 'HEAD'], { cwd: dir });
    expect(tags['slipway.git.diff_digest']).toBe(sha256(diff));
  });

  it('leaves the git tags out outside a repository', async () => {
    const tags = await tagsOf(await tempDir());
    expect(Object.keys(tags).filter((key) => key.includes('git'))).toEqual([]);
    expect(tags['slipway.command']).toContain('train.js');
  });

  it('quotes words a shell would split', () => {
    expect(quoteCommand(['a b', 'c', '$HOME', ''])).toBe(`'a b' c '$HOME' ''`);
  });
});
