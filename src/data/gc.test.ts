import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Digest } from '../domain/digest.js';
import { addToWorkspace } from './add.js';
import { gcWorkspace } from './gc.js';
import type { ReferenceProvider } from './references.js';
import { createTempWorkspace, type TempWorkspace } from './testing/temp-workspace.js';
import { putTree } from './tree/tree-store.js';
import type { Workspace } from './workspace/workspace.js';

const sha = (value: string) => `sha256:${createHash('sha256').update(value).digest('hex')}` as Digest;

let t: TempWorkspace;
let ws: Workspace;
beforeEach(async () => {
  t = await createTempWorkspace();
  ws = await t.open();
  await t.write({ 'data/a.csv': 'a1', 'model.bin': 'm1' });
  await addToWorkspace(ws, { paths: ['data', 'model.bin'], cwd: t.root });
  await t.git('add', '-A');
  await t.git('commit', '-qm', 'v1');
  await t.git('checkout', '-qb', 'feature');
  await t.write({ 'data/a.csv': 'a-feature' });
  await addToWorkspace(ws, { paths: ['data'], cwd: t.root });
  await t.git('commit', '-qam', 'feature');
  await t.git('checkout', '-q', 'main');
  await t.write({ 'data/a.csv': 'a2', 'model.bin': 'm2' });
  await addToWorkspace(ws, { paths: ['data', 'model.bin'], cwd: t.root });
  await t.git('commit', '-qam', 'v2');
  await t.write({ 'data/a.csv': 'a3' });
  await addToWorkspace(ws, { paths: ['data'], cwd: t.root });
});
afterEach(async () => {
  await ws.close();
  await t.remove();
});

const has = (value: string) => ws.cache.store.has(sha(value));

describe('slipway gc', () => {
  it('removes temp files that killed writers left in the cache, once they are old', async () => {
    const { readdir, utimes, writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const folder = join(ws.cache.objectsDir, 'ab');
    await (await import('node:fs/promises')).mkdir(folder, { recursive: true });
    await writeFile(join(folder, '.abcdef012345.slipway-obj-0a1b2c3d4e5f-1'), 'partial');
    await writeFile(join(folder, '.abcdef012346.slipway-obj-0a1b2c3d4e5f-2'), 'in progress');
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(join(folder, '.abcdef012345.slipway-obj-0a1b2c3d4e5f-1'), old, old);
    const result = await gcWorkspace(ws);
    expect(result.removed).not.toContain(expect.stringContaining('abcdef'));
    expect(await readdir(folder)).toContain('.abcdef012346.slipway-obj-0a1b2c3d4e5f-2');
    expect(await readdir(folder)).not.toContain('.abcdef012345.slipway-obj-0a1b2c3d4e5f-1');
  });

  it('tells remotes which digests targets reference, trees expanded, in the workspace or at a revision', async () => {
    const { expandReferences, revisionReferences, targetReferences } = await import('./references.js');
    const now = await expandReferences(ws, await targetReferences(ws, t.root, ['data']));
    expect(now.digests.has(sha('a3'))).toBe(true);
    expect(now.digests.has(sha('m2'))).toBe(false);
    const v1 = await expandReferences(ws, await revisionReferences(ws, 'HEAD~1'));
    expect([sha('a1'), sha('m1')].every((d) => v1.digests.has(d))).toBe(true);
    expect(v1.unexpanded).toEqual([]);
  });

  it('--dry-run lists what would go and removes nothing', async () => {
    const result = await gcWorkspace(ws, { dryRun: true });
    expect(result.removed).toContain(sha('a1'));
    expect(result.removedBytes).toBeGreaterThan(0);
    expect(await has('a1')).toBe(true);
  });

  it('--workspace keeps only what the workspace pointer files reference, trees with their files', async () => {
    const result = await gcWorkspace(ws, { scope: 'workspace' });
    expect(result.unexpanded).toEqual([]);
    expect(await Promise.all(['a3', 'm2'].map(has))).toEqual([true, true]);
    expect(await Promise.all(['a1', 'a2', 'a-feature', 'm1'].map(has))).toEqual([false, false, false, false]);
    expect(result.kept).toBe(3);
  });

  it('--all-branches keeps branch tips; --all-commits keeps every commit', async () => {
    await gcWorkspace(ws, { scope: 'all-branches' });
    expect(await Promise.all(['a3', 'a2', 'm2', 'a-feature', 'm1'].map(has))).toEqual([true, true, true, true, true]);
    expect(await has('a1')).toBe(false);
    await t.write({ 'data/a.csv': 'a1' });
    await addToWorkspace(ws, { paths: ['data'], cwd: t.root });
    await t.write({ 'data/a.csv': 'a3' });
    await addToWorkspace(ws, { paths: ['data'], cwd: t.root });
    await gcWorkspace(ws, { scope: 'all-commits' });
    expect(await Promise.all(['a1', 'a2', 'a3', 'a-feature', 'm1', 'm2'].map(has))).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
  });

  it('keeps what reference providers pin, expanding trees', async () => {
    const extra = (await ws.cache.store.put(Readable.from([Buffer.from('registry blob')]))).digest;
    const child = (await ws.cache.store.put(Readable.from([Buffer.from('model weights')]))).digest;
    const tree = await putTree(ws.cache.store, [{ path: 'model.onnx', digest: child, size: 13, mode: 0o644 }]);
    const registry: ReferenceProvider = {
      name: 'model registry',
      digests: async function* () {
        yield extra;
        yield tree;
      },
    };
    await gcWorkspace(ws, { providers: [registry] });
    expect(await Promise.all([extra, child, tree].map((d) => ws.cache.store.has(d)))).toEqual([true, true, true]);
    await gcWorkspace(ws);
    expect(await ws.cache.store.has(child)).toBe(false);
  });

  it('refuses history scopes without git, and waits for no one: it takes the workspace lock', async () => {
    const plain = await createTempWorkspace({ git: false });
    const pws = await plain.open();
    try {
      await expect(gcWorkspace(pws, { scope: 'all-commits' })).rejects.toThrow('not in a git repository');
      expect((await gcWorkspace(pws)).removed).toEqual([]);
    } finally {
      await pws.close();
      await plain.remove();
    }
    const { acquireWorkspaceLock } = await import('./workspace/workspace-lock.js');
    const lock = await acquireWorkspaceLock(ws.dotDir, 'slipway add data');
    await expect(gcWorkspace(ws)).rejects.toThrow(/locked by pid \d+ \(slipway add data\)/);
    await lock.release();
  });
});
