import { createHash } from 'node:crypto';
import { rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addToWorkspace } from './add.js';
import { workspaceStatus } from './status.js';
import { createTempWorkspace, rejectionOf, type TempWorkspace } from './testing/temp-workspace.js';
import type { Workspace } from './workspace/workspace.js';

const sha = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}` as const;

let t: TempWorkspace;
let ws: Workspace;
beforeEach(async () => {
  t = await createTempWorkspace();
  ws = await t.open();
  await t.write({ 'data/a.csv': 'a', 'data/b.csv': 'b', 'data/sub/c.csv': 'c', 'model.bin': 'weights' });
  await t.age('data', 'model.bin');
  await addToWorkspace(ws, { paths: ['data', 'model.bin'], cwd: t.root });
});
afterEach(async () => {
  await ws.close();
  await t.remove();
});

const status = (...targets: string[]) => workspaceStatus(ws, { cwd: t.root, targets });

describe('slipway status', () => {
  it('is clean after add, hashing nothing', async () => {
    expect(await status()).toEqual({ clean: true, tracked: [], hashed: 0 });
  });

  it('reports new, modified and deleted files inside tracked directories, and a modified file', async () => {
    await t.write({ 'data/a.csv': 'A!', 'data/new.csv': 'n', 'model.bin': 'new weights' });
    await rm(join(t.root, 'data/sub/c.csv'));
    const result = await status();
    expect(result.clean).toBe(false);
    expect(result.tracked).toEqual([
      {
        pointer: 'data.slip',
        path: 'data',
        changes: [
          { path: 'data/a.csv', change: 'modified' },
          { path: 'data/new.csv', change: 'new' },
          { path: 'data/sub/c.csv', change: 'deleted' },
        ],
      },
      { pointer: 'model.bin.slip', path: 'model.bin', changes: [{ path: 'model.bin', change: 'modified' }] },
    ]);
    expect(result.hashed).toBe(3);
  });

  it('re-hashes only touched files', async () => {
    const future = new Date(Date.now() - 5_000);
    await utimes(join(t.root, 'data/b.csv'), future, future);
    expect(await status()).toEqual({ clean: true, tracked: [], hashed: 1 });
    expect((await status()).hashed).toBe(0);
  });

  it('reports deleted tracked items and objects missing from the cache', async () => {
    await rm(join(t.root, 'model.bin'));
    await ws.cache.store.delete(sha('weights'));
    await ws.cache.store.delete(sha('c'));
    const result = await status();
    expect(result.tracked).toEqual([
      { pointer: 'data.slip', path: 'data', changes: [{ path: 'data/sub/c.csv', change: 'not in cache' }] },
      {
        pointer: 'model.bin.slip',
        path: 'model.bin',
        changes: [
          { path: 'model.bin', change: 'deleted' },
          { path: 'model.bin', change: 'not in cache' },
        ],
      },
    ]);
  });

  it('limits itself to targets', async () => {
    await t.write({ 'model.bin': 'changed' });
    expect((await status('data')).clean).toBe(true);
    expect((await status('model.bin')).clean).toBe(false);
    await expect(status('nothing-here')).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
  });

  it('reports a malformed pointer file with file and key', async () => {
    await t.write({ 'model.bin.slip': 'schema: 1\npath: ../../etc/passwd\ndigest: nope\nsize: 1\n' });
    const error = await rejectionOf(status());
    expect(error?.message).toContain('model.bin.slip:2: path: must be a relative path');
    expect(error?.message).toContain('model.bin.slip:3: digest');
  });
});
