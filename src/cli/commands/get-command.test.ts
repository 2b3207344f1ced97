import { mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlipwayError } from '../../domain/errors.js';
import {
  type CliPlace,
  commitAll,
  git,
  makeWorkspace,
  type ObjectServer,
  ok,
  slipway,
  startObjectServer,
} from './testing/remote-cli.js';

let dir: string;
let here: CliPlace;
const servers: ObjectServer[] = [];
beforeEach(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'slipway-get-cli-')));
  here = { cwd: join(dir, 'elsewhere'), homeDir: join(dir, 'home') };
  await mkdir(here.cwd, { recursive: true });
});
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** A repository whose data is pushed to a folder remote (a path relative to it) and committed. */
async function publishedRepo(): Promise<CliPlace> {
  const repo = await makeWorkspace(dir, 'repo', {
    'data/wine.csv': 'a,b\n1,2\n',
    'data/images/cat.txt': 'meow\n',
    'data/images/sub/dog.txt': 'woof\n',
  });
  await ok(repo, 'add', 'data/wine.csv', 'data/images');
  await ok(repo, 'remote', 'add', 'origin', '../remote');
  await ok(repo, 'push');
  await commitAll(repo);
  return repo;
}

describe('slipway get', () => {
  it('writes a tracked file, a tracked directory, and a file inside one', async () => {
    const repo = await publishedRepo();
    const result = JSON.parse(await ok(here, '--json', 'get', repo.cwd, 'data/wine.csv'));
    expect(result).toMatchObject({
      kind: 'file',
      path: 'data/wine.csv',
      out: join(here.cwd, 'wine.csv'),
      remote: { name: 'origin' },
    });
    expect(await readFile(join(here.cwd, 'wine.csv'), 'utf8')).toBe('a,b\n1,2\n');

    await ok(here, 'get', repo.cwd, 'data/images', '-o', 'pics');
    expect((await readdir(join(here.cwd, 'pics'), { recursive: true })).sort()).toEqual([
      'cat.txt',
      'sub',
      'sub/dog.txt',
    ]);
    await ok(here, 'get', repo.cwd, 'data/images/sub/dog.txt');
    expect(await readFile(join(here.cwd, 'dog.txt'), 'utf8')).toBe('woof\n');
    expect((await stat(join(dir, 'home', '.slipway', 'cache'))).isDirectory()).toBe(true);
  });

  it('gets the data as it was at --rev', async () => {
    const repo = await publishedRepo();
    const first = (await git('git', ['-C', repo.cwd, 'rev-parse', 'HEAD'])).stdout.trim();
    await writeFile(join(repo.cwd, 'data/wine.csv'), 'new\n');
    await ok(repo, 'add', 'data/wine.csv');
    await ok(repo, 'push');
    await commitAll(repo);
    await ok(here, 'get', repo.cwd, 'data/wine.csv', '--rev', first, '-o', 'old.csv');
    await ok(here, 'get', repo.cwd, 'data/wine.csv', '--rev', 'main', '-o', 'new.csv');
    expect(await readFile(join(here.cwd, 'old.csv'), 'utf8')).toBe('a,b\n1,2\n');
    expect(await readFile(join(here.cwd, 'new.csv'), 'utf8')).toBe('new\n');
  });

  it.each([
    [['data/wine.csv', '-o', 'exists'], 4, 'already exists'],
    [['../outside.txt'], 2, 'is not a path inside the repository'],
    [['/etc/passwd'], 2, 'is not a path inside the repository'],
    [['data/unknown.csv'], 3, 'is not tracked by Slipway'],
    [['data/wine.csv', '--rev', 'no-such-branch'], 2, 'is not a revision'],
  ])('refuses get %j (exit %i)', async (args, code, message) => {
    const repo = await publishedRepo();
    await mkdir(join(here.cwd, 'exists'), { recursive: true });
    const result = await slipway(here, 'get', repo.cwd, ...args);
    expect(result.code, result.stderr).toBe(code);
    expect(result.stderr).toContain(message);
  });

  it('refuses option-like repositories and ext:: transports', async () => {
    for (const repo of ['--upload-pack=touch /tmp/pwned', 'ext::sh -c touch% /tmp/pwned']) {
      const result = await slipway(here, 'get', '--', repo, 'data/wine.csv');
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('is not a git repository URL or path');
    }
  });

  it('says when the repository has no default remote', async () => {
    const repo = await makeWorkspace(dir, 'bare', { 'x.txt': 'x' });
    await ok(repo, 'add', 'x.txt');
    await commitAll(repo);
    const result = await slipway(here, 'get', repo.cwd, 'x.txt');
    expect(result.code).toBe(8);
    expect(result.stderr).toContain('has no default remote');
  });

  it('sends a token only to a server this machine knows under that name and URL', async () => {
    const server = await started();
    const repo = await makeWorkspace(dir, 'repo', { 'data/wine.csv': 'a,b\n' });
    await ok(repo, 'add', 'data/wine.csv');
    await ok(repo, 'remote', 'add', 'origin', server.url);
    await ok({ ...repo, env: { SLIPWAY_REMOTE_ORIGIN_TOKEN: 'good' } }, 'push');
    await commitAll(repo);
    const env = { SLIPWAY_REMOTE_ORIGIN_TOKEN: 'good' };
    const stranger = await slipway({ ...here, env }, 'get', repo.cwd, 'data/wine.csv');
    expect(stranger.code).toBe(7);
    const mine = await makeWorkspace(dir, 'mine', {});
    await ok(mine, 'remote', 'add', 'origin', server.url);
    await ok({ ...mine, env }, 'get', repo.cwd, 'data/wine.csv');
    expect(await readFile(join(mine.cwd, 'wine.csv'), 'utf8')).toBe('a,b\n');
  });
});

const started = async () => {
  const server = await startObjectServer(
    {},
    {
      authenticate: async (request) => {
        if (request.headers.authorization !== 'Bearer good')
          throw new SlipwayError('UNAUTHENTICATED', 'A token is required.');
      },
    },
  );
  servers.push(server);
  return server;
};
