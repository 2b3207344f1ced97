import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireWorkspaceLock } from './workspace-lock.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-lock-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** The pid of a process that has exited. */
const deadPid = (): number => {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
};

describe('the workspace lock', () => {
  it('serializes writers and names the holder', async () => {
    const lock = await acquireWorkspaceLock(dir, 'slipway add data');
    const holder = JSON.parse(await readFile(join(dir, 'lock'), 'utf8'));
    expect(holder).toMatchObject({ pid: process.pid, host: hostname(), command: 'slipway add data' });
    const error = await acquireWorkspaceLock(dir, 'slipway checkout').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RESOURCE_CONFLICT' });
    expect((error as Error).message).toMatch(
      new RegExp(`locked by pid ${process.pid} \\(slipway add data\\) since \\d{4}-\\d\\d-\\d\\dT`),
    );
    await lock.release();
    const again = await acquireWorkspaceLock(dir, 'slipway checkout');
    await again.release();
  });

  it('breaks a stale lock whose process is gone', async () => {
    const pid = deadPid();
    const stale = { pid, host: hostname(), command: 'slipway add big', since: '2020-01-01T00:00:00.000Z' };
    await writeFile(join(dir, 'lock'), JSON.stringify(stale));
    const lock = await acquireWorkspaceLock(dir, 'slipway gc');
    expect(JSON.parse(await readFile(join(dir, 'lock'), 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('never judges a lock from another host stale', async () => {
    const other = { pid: deadPid(), host: `${hostname()}-elsewhere`, command: 'slipway add', since: 'then' };
    await writeFile(join(dir, 'lock'), JSON.stringify(other));
    await expect(acquireWorkspaceLock(dir, 'slipway gc')).rejects.toThrow(/on .*-elsewhere/);
  });
});
