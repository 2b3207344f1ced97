import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addToWorkspace } from './add.js';
import { diffData, splitDiffArguments } from './diff.js';
import { listTracked } from './ls.js';
import { openTracked } from './open.js';
import { open } from './sdk.js';
import { createTempWorkspace, rejectionOf, type TempWorkspace } from './testing/temp-workspace.js';
import type { Workspace } from './workspace/workspace.js';

const sha = (value: string) => `sha256:${createHash('sha256').update(value).digest('hex')}` as const;

let t: TempWorkspace;
let ws: Workspace;
beforeEach(async () => {
  t = await createTempWorkspace();
  ws = await t.open();
  await t.write({ 'data/a.csv': 'a1', 'data/b.csv': 'b1', 'data/sub/c.csv': 'c1', 'model.bin': 'm1' });
  await addToWorkspace(ws, { paths: ['data', 'model.bin'], cwd: t.root });
  await t.git('add', '-A');
  await t.git('commit', '-qm', 'v1');
  await t.write({ 'data/a.csv': 'a22', 'data/d.csv': 'd2', 'model.bin': 'm2' });
  await rm(join(t.root, 'data/b.csv'));
  await addToWorkspace(ws, { paths: ['data', 'model.bin'], cwd: t.root });
  await t.git('add', '-A');
  await t.git('commit', '-qm', 'v2');
});
afterEach(async () => {
  await ws.close();
  await t.remove();
});

describe('slipway diff', () => {
  it('lists per-file changes inside tracked directories between two revisions, with sizes', async () => {
    const result = await diffData(ws, { cwd: t.root, from: 'HEAD~1', to: 'HEAD' });
    expect(result).toEqual({
      from: 'HEAD~1',
      to: 'HEAD',
      added: [{ path: 'data/d.csv', digest: sha('d2'), size: 2 }],
      modified: [
        { path: 'data/a.csv', oldDigest: sha('a1'), newDigest: sha('a22'), oldSize: 2, newSize: 3 },
        { path: 'model.bin', oldDigest: sha('m1'), newDigest: sha('m2'), oldSize: 2, newSize: 2 },
      ],
      deleted: [{ path: 'data/b.csv', digest: sha('b1'), size: 2 }],
    });
  });

  it('compares a revision with the workspace, limited to targets', async () => {
    await t.write({ 'data/sub/c.csv': 'c-edited', 'data/e.csv': 'e' });
    const result = await diffData(ws, { cwd: t.root, targets: ['data/sub'] });
    expect(result.to).toBe('workspace');
    expect(result.modified.map((f) => f.path)).toEqual(['data/sub/c.csv']);
    expect(result.added).toEqual([]);
    const all = await diffData(ws, { cwd: t.root, from: 'HEAD~1' });
    expect(all.added.map((f) => f.path)).toEqual(['data/d.csv', 'data/e.csv']);
  });

  it('names a tree missing from the cache and suggests pull', async () => {
    const { readPointerFile } = await import('./pointer/pointer-file.js');
    const v2 = await readPointerFile(join(t.root, 'data.slip'));
    await ws.cache.store.delete(v2.digest);
    const error = await rejectionOf(diffData(ws, { cwd: t.root, from: 'HEAD~1', to: 'HEAD' }));
    expect(error.message).toContain(`The tree of data at HEAD (${v2.digest}) is not in the cache`);
    expect(error.hint).toContain('slipway pull');
  });

  it('tells revisions from targets', async () => {
    expect(await splitDiffArguments(ws, ['HEAD~1', 'main', 'data'])).toEqual({
      from: 'HEAD~1',
      to: 'main',
      targets: ['data'],
    });
    expect(await splitDiffArguments(ws, ['data'])).toEqual({ from: undefined, to: undefined, targets: ['data'] });
    await expect(diffData(ws, { cwd: t.root, from: 'no-such-rev' })).rejects.toThrow(
      "'no-such-rev' is not a git revision",
    );
  });
});

describe('slipway ls and open', () => {
  it('lists tracked items, and the files of a tracked directory', async () => {
    expect(await listTracked(ws, { cwd: t.root })).toEqual([
      { path: 'data', kind: 'directory', digest: expect.any(String), size: 7, files: 3, pointer: 'data.slip' },
      { path: 'model.bin', kind: 'file', digest: sha('m2'), size: 2, pointer: 'model.bin.slip' },
    ]);
    expect((await listTracked(ws, { cwd: t.root, target: 'data' })).map((e) => [e.path, e.size])).toEqual([
      ['data/a.csv', 3],
      ['data/d.csv', 2],
      ['data/sub/c.csv', 2],
    ]);
    expect((await listTracked(ws, { cwd: join(t.root, 'data'), target: 'sub' })).map((e) => e.path)).toEqual([
      'data/sub/c.csv',
    ]);
  });

  it('streams a tracked file, or a file inside a tracked directory, at a revision', async () => {
    expect(await text(await openTracked(ws, { cwd: t.root, path: 'model.bin' }))).toBe('m2');
    expect(await text(await openTracked(ws, { cwd: t.root, path: 'model.bin', rev: 'HEAD~1' }))).toBe('m1');
    expect(await text(await openTracked(ws, { cwd: t.root, path: 'data/b.csv', rev: 'HEAD~1' }))).toBe('b1');
    const sdk = await open('sub/c.csv', { cwd: join(t.root, 'data'), rev: 'HEAD~1', env: {}, homeDir: '/nonexistent' });
    expect(await text(sdk)).toBe('c1');
    await expect(openTracked(ws, { cwd: t.root, path: 'data/b.csv' })).rejects.toMatchObject({
      code: 'RESOURCE_DOES_NOT_EXIST',
    });
    await expect(openTracked(ws, { cwd: t.root, path: 'data' })).rejects.toThrow('is a tracked directory');
    await expect(openTracked(ws, { cwd: t.root, path: 'untracked.txt' })).rejects.toThrow('is not tracked');
  });

  it('names a missing object and suggests pull', async () => {
    await ws.cache.store.delete(sha('m1'));
    const error = await rejectionOf(openTracked(ws, { cwd: t.root, path: 'model.bin', rev: 'HEAD~1' }));
    expect(error.message).toContain('model.bin');
    expect(error.hint).toContain('slipway pull');
  });
});
