import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, realpath, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlipwayError } from '../../domain/errors.js';
import { createFsObjectStore } from '../../storage/objects/fs-object-store.js';
import { closedPort } from '../../storage/objects/testing/s3-test-server.js';
import {
  type CliPlace,
  cloneTo,
  commitAll,
  makeWorkspace,
  type ObjectServer,
  ok,
  slipway,
  startObjectServer,
} from './testing/remote-cli.js';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

let dir: string;
const servers: ObjectServer[] = [];
beforeEach(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'slipway-transfer-cli-')));
});
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  await rm(dir, { recursive: true, force: true });
});

const started = async (...args: Parameters<typeof startObjectServer>) => {
  const server = await startObjectServer(...args);
  servers.push(server);
  return server;
};

const files = (count: number): Record<string, string> => {
  const out: Record<string, string> = { 'data/table.csv': 'a,b\n1,2\n' };
  for (let index = 0; index < count; index += 1) out[`data/images/${index}.txt`] = `image ${index}\n`;
  return out;
};

/** A committed workspace with a tracked directory of `count` files and a tracked file. */
async function dataWorkspace(count: number): Promise<CliPlace> {
  const ws = await makeWorkspace(dir, 'ws', files(count));
  await ok(ws, 'add', 'data/images', 'data/table.csv');
  return ws;
}

const objectsIn = async (folder: string): Promise<number> =>
  (await readdir(join(folder, 'objects', 'sha256'), { recursive: true, withFileTypes: true }).catch(() => [])).filter(
    (entry) => entry.isFile(),
  ).length;

describe('push and pull through a Slipway server', () => {
  it('pushes, pulls into a clone, and a rerun moves nothing', async () => {
    const server = await started();
    const ws = await dataWorkspace(3);
    await ok(ws, 'remote', 'add', 'origin', server.url);
    await commitAll(ws);
    const pushed = JSON.parse(await ok(ws, '--json', 'push', '-j', '2'));
    expect(pushed).toMatchObject({
      remote: 'origin',
      url: server.url,
      requested: 5,
      present: 0,
      transferred: 5,
      failures: [],
    });
    expect(await objectsIn(server.objects)).toBe(5);
    expect((await slipway(ws, 'push')).stdout).toBe(
      `Pushed 0 object(s) (0 B) to origin (${server.url}); 5 already there.\n`,
    );

    const clone = await cloneTo(ws, dir, 'clone');
    const pulled = JSON.parse(await ok(clone, '--json', 'pull'));
    expect(pulled).toMatchObject({ transferred: 5, failures: [] });
    expect(pulled.checkout.written).toHaveLength(4);
    expect(await readFile(join(clone.cwd, 'data/images/2.txt'), 'utf8')).toBe('image 2\n');
    expect((await slipway(clone, 'status')).stdout).toBe('Data and pointer files are up to date.\n');
  });

  it('fetches into the cache only', async () => {
    const server = await started();
    const ws = await dataWorkspace(2);
    await ok(ws, 'remote', 'add', 'origin', server.url);
    await ok(ws, 'push');
    await commitAll(ws);
    const clone = await cloneTo(ws, dir, 'clone');
    expect(JSON.parse(await ok(clone, '--json', 'fetch', 'data/table.csv'))).toMatchObject({ transferred: 1 });
    await expect(readFile(join(clone.cwd, 'data/table.csv'))).rejects.toMatchObject({ code: 'ENOENT' });
    await ok(clone, 'checkout', 'data/table.csv');
    expect(await readFile(join(clone.cwd, 'data/table.csv'), 'utf8')).toBe('a,b\n1,2\n');
  });

  it('sends the token from SLIPWAY_REMOTE_<NAME>_TOKEN; a wrong or missing one exits 7 naming the variable', async () => {
    const server = await started(
      {},
      {
        authenticate: async (request) => {
          const header = request.headers.authorization;
          if (header === undefined) throw new SlipwayError('UNAUTHENTICATED', 'A token is required.');
          if (header !== 'Bearer good') throw new SlipwayError('PERMISSION_DENIED', 'Token refused.');
        },
      },
    );
    const ws = await dataWorkspace(1);
    await ok(ws, 'remote', 'add', 'my-server', server.url);
    const missing = await slipway(ws, 'push');
    expect(missing.code).toBe(7);
    expect(missing.stderr).toContain('A token is required.');
    expect(missing.stderr).toContain('SLIPWAY_REMOTE_MY_SERVER_TOKEN');
    const wrong = await slipway({ ...ws, env: { SLIPWAY_REMOTE_MY_SERVER_TOKEN: 'bad' } }, 'push');
    expect(wrong.code).toBe(7);
    expect(wrong.stderr).toContain('Token refused.');
    await ok({ ...ws, env: { SLIPWAY_REMOTE_MY_SERVER_TOKEN: 'good' } }, 'push');
    expect(await objectsIn(server.objects)).toBe(3);
  });

  it('reports a server that is down with exit 5, naming its URL', async () => {
    const ws = await dataWorkspace(1);
    const url = `http://127.0.0.1:${await closedPort()}`;
    await ok(ws, 'remote', 'add', 'origin', url);
    const result = await slipway(ws, '--json', 'push');
    expect(result.code).toBe(5);
    expect(JSON.parse(result.stderr)).toMatchObject({
      error_code: 'TEMPORARILY_UNAVAILABLE',
      message: expect.stringContaining(url),
    });
  });

  it('lists objects that cannot be pushed with their paths, and exits non-zero', async () => {
    const ws = await dataWorkspace(1);
    await ok(ws, 'remote', 'add', 'origin', join(dir, 'remote'));
    await rm(join(ws.cwd, '.slipway', 'cache'), { recursive: true });
    const result = await slipway(ws, 'push');
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('data/table.csv');
    expect(result.stderr).toContain('object(s) could not be pushed');
  });
});

describe('an interrupted push', () => {
  it('resumes after SIGKILL: the rerun moves only the rest, and every object on the server is whole', async () => {
    const slow = { authenticate: async () => new Promise<void>((resolve) => setTimeout(resolve, 15)) };
    const server = await started({}, slow);
    const ws = await dataWorkspace(150);
    await ok(ws, 'remote', 'add', 'origin', server.url);
    const child = spawn(process.execPath, ['--import', TSX, MAIN, 'push', '-j', '2'], {
      cwd: ws.cwd,
      env: { ...process.env, HOME: ws.homeDir },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    while ((await objectsIn(server.objects)) < 20) await new Promise((resolve) => setTimeout(resolve, 10));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    // A request whose body arrived whole before the kill may still be landing: let the server settle.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = await objectsIn(server.objects);
    expect(before).toBeLessThan(152);
    const store = await createFsObjectStore(server.objects);
    for await (const digest of store.list()) for await (const _chunk of await store.get(digest));
    const rerun = JSON.parse(await ok(ws, '--json', 'push'));
    expect(rerun).toMatchObject({ requested: 152, present: before, transferred: 152 - before, failures: [] });
    expect(await objectsIn(server.objects)).toBe(152);
  }, 60_000);
});
