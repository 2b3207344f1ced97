import { mkdtemp, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

let dir: string;
const servers: ObjectServer[] = [];
beforeEach(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'slipway-remote-status-')));
});
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  await rm(dir, { recursive: true, force: true });
});

const objectsIn = async (folder: string): Promise<number> =>
  (await readdir(join(folder, 'objects', 'sha256'), { recursive: true, withFileTypes: true }).catch(() => [])).filter(
    (entry) => entry.isFile(),
  ).length;

async function workspaceWithRemote(url: string): Promise<CliPlace> {
  const ws = await makeWorkspace(dir, 'ws', { 'data/a.txt': 'a\n', 'data/b.txt': 'b\n', 'table.csv': 'x,y\n' });
  await ok(ws, 'add', 'data', 'table.csv');
  await ok(ws, 'remote', 'add', 'origin', url);
  return ws;
}

describe('slipway status --remote', () => {
  it('lists what to push, then what to pull, then reports sync', async () => {
    const ws = await workspaceWithRemote(join(dir, 'remote'));
    const before = JSON.parse(await ok(ws, '--json', 'status', '--remote', 'origin'));
    expect(before).toMatchObject({
      remote: 'origin',
      toPush: { objects: 4, paths: ['data/', 'data/a.txt', 'data/b.txt', 'table.csv'] },
      toPull: { objects: 0, paths: [] },
      missing: { objects: 0 },
      inSync: 0,
    });
    expect((await slipway(ws, 'status', '-r', 'origin', 'table.csv')).stdout).toBe(
      `Remote origin (${join(dir, 'remote')}):\n\tto push:  1 object(s)\n\t\ttable.csv\n`,
    );
    await ok(ws, 'push');
    expect((await slipway(ws, 'status', '--remote', 'origin')).stdout).toBe(
      'Cache and remote origin are in sync (4 object(s)).\n',
    );

    await commitAll(ws);
    const clone = await cloneTo(ws, dir, 'clone');
    const pending = JSON.parse(await ok(clone, '--json', 'status', '--remote', 'origin'));
    expect(pending.toPull).toEqual({ objects: 4, paths: ['data/', 'data/a.txt', 'data/b.txt', 'table.csv'] });
  });

  it('names objects missing everywhere', async () => {
    const ws = await workspaceWithRemote(join(dir, 'remote'));
    await rm(join(ws.cwd, '.slipway', 'cache'), { recursive: true });
    const status = JSON.parse(await ok(ws, '--json', 'status', '--remote', 'origin'));
    expect(status.missing).toEqual({ objects: 2, paths: ['data/', 'table.csv'] });
    expect(status.unexpanded).toHaveLength(1);
  });

  it('refuses an unknown remote', async () => {
    const ws = await workspaceWithRemote(join(dir, 'remote'));
    const result = await slipway(ws, 'status', '--remote', 'nope');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("There is no remote named 'nope'");
  });
});

describe('slipway gc --cloud', () => {
  it('deletes only unreferenced remote objects, after a dry run that deletes nothing', async () => {
    const remote = join(dir, 'remote');
    const ws = await workspaceWithRemote(remote);
    await ok(ws, 'push');
    await writeFile(join(ws.cwd, 'table.csv'), 'changed\n');
    await ok(ws, 'add', 'table.csv');
    await ok(ws, 'push');
    expect(await objectsIn(remote)).toBe(5);
    const dry = JSON.parse(await ok(ws, '--json', 'gc', '--cloud', '--dry-run'));
    expect(dry).toMatchObject({
      remote: 'origin',
      dryRun: true,
      kept: 4,
      removed: [expect.stringMatching(/^sha256:/)],
    });
    expect(await objectsIn(remote)).toBe(5);
    const done = JSON.parse(await ok(ws, '--json', 'gc', '--cloud', '-r', 'origin'));
    expect(done).toMatchObject({ dryRun: false, kept: 4, removed: dry.removed });
    expect(await objectsIn(remote)).toBe(4);
    expect((await slipway(ws, 'status', '--remote', 'origin')).stdout).toContain('in sync');
  });

  it('keeps the files of directories whose tree is only on the remote', async () => {
    const remote = join(dir, 'remote');
    const ws = await workspaceWithRemote(remote);
    await ok(ws, 'push');
    await commitAll(ws);
    const clone = await cloneTo(ws, dir, 'clone');
    await ok(clone, 'gc', '--cloud');
    expect(await objectsIn(remote)).toBe(4);
  });

  it('is refused by a Slipway server unless it allows deletion, deleting nothing', async () => {
    const server = await startObjectServer();
    servers.push(server);
    const ws = await workspaceWithRemote(server.url);
    await ok(ws, 'push');
    await writeFile(join(ws.cwd, 'table.csv'), 'changed\n');
    await ok(ws, 'add', 'table.csv');
    await ok(ws, 'push');
    const refused = await slipway(ws, 'gc', '--cloud');
    expect(refused.code).toBe(7);
    expect(refused.stderr).toContain('does not allow deleting objects');
    expect(await objectsIn(server.objects)).toBe(5);
  });

  it('needs --cloud for -r', async () => {
    const ws = await workspaceWithRemote(join(dir, 'remote'));
    const result = await slipway(ws, 'gc', '-r', 'origin');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('-r/--remote applies to gc --cloud only');
  });
});
