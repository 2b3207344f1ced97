import { createHash } from 'node:crypto';
import { access, lstat, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addToWorkspace } from './add.js';
import { checkoutWorkspace } from './checkout.js';
import { workspaceStatus } from './status.js';
import { createTempWorkspace, rejectionOf, type TempWorkspace } from './testing/temp-workspace.js';
import type { Workspace } from './workspace/workspace.js';

const sha = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}` as const;

let t: TempWorkspace;
let ws: Workspace;
beforeEach(async () => {
  t = await createTempWorkspace();
  ws = await t.open();
});
afterEach(async () => {
  await ws.close();
  await t.remove();
});

const add = (...paths: string[]) => addToWorkspace(ws, { paths, cwd: t.root });
const checkout = (options: { force?: boolean; targets?: string[] } = {}) =>
  checkoutWorkspace(ws, { cwd: t.root, ...options });
const read = (path: string) => readFile(join(t.root, path), 'utf8');
const exists = (path: string) =>
  access(join(t.root, path)).then(
    () => true,
    () => false,
  );

/** Two commits: v1 (data/{a,b,sub/c}, model.bin v1) and v2 (a changed, b deleted, d added, model.bin v2). */
async function twoVersions(): Promise<void> {
  await t.write({ 'data/a.csv': 'a1', 'data/b.csv': 'b1', 'data/sub/c.csv': 'c1', 'model.bin': 'm1' });
  await add('data', 'model.bin');
  await t.git('add', '-A');
  await t.git('commit', '-qm', 'v1');
  await t.write({ 'data/a.csv': 'a2', 'data/d.csv': 'd2', 'model.bin': 'm2' });
  await (await import('node:fs/promises')).rm(join(t.root, 'data/b.csv'));
  await add('data', 'model.bin');
  await t.git('add', '-A');
  await t.git('commit', '-qm', 'v2');
}

describe('slipway checkout', () => {
  it('after git checkout of another revision, makes the data match the pointers, and back', async () => {
    await twoVersions();
    await t.git('checkout', '-q', 'HEAD~1');
    const back = await checkout();
    expect(back.written.sort()).toEqual(['data/a.csv', 'data/b.csv', 'model.bin']);
    expect(back.removed).toEqual(['data/d.csv']);
    expect([await read('data/a.csv'), await read('data/b.csv'), await read('model.bin')]).toEqual(['a1', 'b1', 'm1']);
    expect(await exists('data/d.csv')).toBe(false);
    expect((await workspaceStatus(ws, { cwd: t.root })).clean).toBe(true);
    await t.git('checkout', '-q', 'main');
    await checkout();
    expect([await read('data/a.csv'), await read('data/d.csv'), await read('model.bin')]).toEqual(['a2', 'd2', 'm2']);
    expect(await exists('data/b.csv')).toBe(false);
    expect(await readdir(join(t.root, 'data'))).toEqual(['a.csv', 'd.csv', 'sub']);
  });

  it('restores deleted files and removes folders emptied by the checkout', async () => {
    await t.write({ 'data/x/y.csv': 'y' });
    await add('data');
    await t.git('add', '-A');
    await t.git('commit', '-qm', 'one');
    await writeFile(join(t.root, 'data/x/extra.csv'), 'extra');
    await add('data');
    await (await import('node:fs/promises')).rm(join(t.root, 'data/x/y.csv'));
    await t.git('checkout', '-q', '--', 'data.slip');
    const result = await checkout();
    expect(result).toMatchObject({ written: ['data/x/y.csv'], removed: ['data/x/extra.csv'] });
    expect(await readdir(join(t.root, 'data/x'))).toEqual(['y.csv']);
  });

  it('removes temp files a killed checkout left beside tracked files', async () => {
    await t.write({ 'm.bin': 'm', 'dir/x.csv': 'x' });
    await add('m.bin', 'dir');
    await t.write({ '.m.bin.slipway-tmp-0123456789ab': 'partial', 'dir/.x.csv.slipway-tmp-ba9876543210': 'part' });
    expect((await workspaceStatus(ws, { cwd: t.root })).clean).toBe(true);
    await checkout();
    expect(await exists('.m.bin.slipway-tmp-0123456789ab')).toBe(false);
    expect(await readdir(join(t.root, 'dir'))).toEqual(['x.csv']);
  });

  it('refuses to overwrite local modifications, naming them, unless --force', async () => {
    await twoVersions();
    await t.git('checkout', '-q', 'HEAD~1');
    await writeFile(join(t.root, 'data/a.csv'), 'my unsaved edit');
    await writeFile(join(t.root, 'data/scratch.csv'), 'new unsaved');
    const error = await rejectionOf(checkout());
    expect(error).toMatchObject({ code: 'RESOURCE_CONFLICT' });
    expect(error.message).toContain('data/a.csv');
    expect(error.message).toContain('data/scratch.csv');
    expect(error.hint).toContain('--force');
    expect(await read('data/a.csv')).toBe('my unsaved edit');
    expect(await read('model.bin')).toBe('m2');
    await checkout({ force: true });
    expect(await read('data/a.csv')).toBe('a1');
    expect(await exists('data/scratch.csv')).toBe(false);
  });

  it('names files whose objects are missing from the cache and suggests pull, changing nothing', async () => {
    await twoVersions();
    await ws.cache.store.delete(sha('b1'));
    await t.git('checkout', '-q', 'HEAD~1');
    const error = await rejectionOf(checkout());
    expect(error).toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    expect(error.message).toContain('data/b.csv');
    expect(error.hint).toContain('slipway pull');
    expect(await read('data/a.csv')).toBe('a2');
  });

  it('checks out only the targets', async () => {
    await twoVersions();
    await t.git('checkout', '-q', 'HEAD~1');
    await checkout({ targets: ['model.bin'] });
    expect([await read('model.bin'), await read('data/a.csv')]).toEqual(['m1', 'a2']);
  });

  it('materialises hard links and symbolic links to the read-only objects', async () => {
    await twoVersions();
    await t.git('checkout', '-q', 'HEAD~1');
    await checkoutWorkspace(ws, { cwd: t.root, linkMode: 'hardlink' });
    expect((await stat(join(t.root, 'data/a.csv'))).ino).toBe((await stat(ws.cache.objectPath(sha('a1')))).ino);
    expect((await stat(join(t.root, 'data/a.csv'))).mode & 0o222).toBe(0);
    await t.git('checkout', '-q', 'main');
    await checkoutWorkspace(ws, { cwd: t.root, linkMode: 'symlink' });
    expect((await lstat(join(t.root, 'model.bin'))).isSymbolicLink()).toBe(true);
    expect(await read('model.bin')).toBe('m2');
    expect((await workspaceStatus(ws, { cwd: t.root })).clean).toBe(true);
  });

  it('refuses a pointer whose path leads out of the workspace, writing nothing outside', async () => {
    await t.write({ 'evil.slip': `schema: 1\npath: ../../../tmp/slipway-evil\ndigest: ${sha('x')}\nsize: 1\n` });
    const error = await rejectionOf(checkout());
    expect(error?.message).toContain('evil.slip:2: path');
    await expect(access('/tmp/slipway-evil')).rejects.toThrow();
  });

  it('refuses a pointer reached through a symbolic link that leaves the workspace', async () => {
    const outside = await createTempWorkspace({ git: false });
    try {
      await (await import('node:fs/promises')).symlink(outside.root, join(t.root, 'linkdir'));
      await ws.cache.store.put(Readable.from([Buffer.from('x')]));
      await t.write({ 'linkdir.slip': `schema: 1\npath: linkdir\ndigest: ${sha('x')}\nsize: 1\n` });
      const error = await rejectionOf(checkout());
      expect(error?.message).toContain('outside the workspace');
      expect(await readdir(outside.root)).toEqual(['.slipway']);
    } finally {
      await outside.remove();
    }
  });

  it('refuses a tree object listing a path that leaves its folder', async () => {
    const evil = `{"kind":"slipway.tree","schema":1,"entries":[{"path":"../escape","digest":"${sha('x')}","size":1,"mode":420}]}`;
    const { digest } = await ws.cache.store.put(Readable.from([Buffer.from(evil)]));
    await ws.cache.store.put(Readable.from([Buffer.from('x')]));
    await t.write({ 'd.slip': `schema: 1\npath: d\ndigest: ${digest}\nsize: 1\nfiles: 1\n` });
    await expect(checkout()).rejects.toMatchObject({ code: 'CORRUPT_OBJECT' });
    expect(await exists('escape')).toBe(false);
  });
  it('restores one file inside a tracked directory, leaving the rest of it alone', async () => {
    await twoVersions();
    await t.write({ 'data/sub/c.csv': 'c-edited', 'data/a.csv': 'a-edited' });
    const result = await checkout({ targets: ['data/a.csv'], force: true });
    expect(result.written).toEqual(['data/a.csv']);
    expect([await read('data/a.csv'), await read('data/sub/c.csv')]).toEqual(['a2', 'c-edited']);
    await (await import('node:fs/promises')).rm(join(t.root, 'data/d.csv'));
    expect((await checkout({ targets: ['data/d.csv'] })).written).toEqual(['data/d.csv']);
    expect(await read('data/d.csv')).toBe('d2');
    await t.git('checkout', '-q', 'HEAD~1');
    await checkout({ targets: ['data/sub', 'data/sub/c.csv', 'data/b.csv'], force: true });
    expect([await read('data/sub/c.csv'), await read('data/b.csv'), await read('data/a.csv')]).toEqual([
      'c1',
      'b1',
      'a2',
    ]);
  });

  it('refuses to overwrite a local change to a file inside a tracked directory unless --force', async () => {
    await twoVersions();
    await t.write({ 'data/a.csv': 'mine' });
    const error = await rejectionOf(checkout({ targets: ['data/a.csv'] }));
    expect(error).toMatchObject({ code: 'RESOURCE_CONFLICT', message: expect.stringContaining('data/a.csv') });
    expect(await read('data/a.csv')).toBe('mine');
    await expect(checkout({ targets: ['data/nope.csv'] })).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('writes nothing from a corrupt cache object, and names a folder standing where a file goes', async () => {
    await twoVersions();
    const object = ws.cache.objectPath(sha('a2'));
    await (await import('node:fs/promises')).chmod(object, 0o644);
    await writeFile(object, 'a9');
    await (await import('node:fs/promises')).rm(join(t.root, 'data/a.csv'));
    await expect(checkout({ targets: ['data/a.csv'] })).rejects.toMatchObject({ code: 'CORRUPT_OBJECT' });
    expect(await exists('data/a.csv')).toBe(false);
    expect((await readdir(join(t.root, 'data'))).filter((name) => name.includes('slipway-tmp'))).toEqual([]);
    await (await import('node:fs/promises')).mkdir(join(t.root, 'data/d.csv.x/inner'), { recursive: true });
    await (await import('node:fs/promises')).rm(join(t.root, 'data/d.csv'));
    await (await import('node:fs/promises')).rename(join(t.root, 'data/d.csv.x'), join(t.root, 'data/d.csv'));
    const error = await rejectionOf(checkout({ targets: ['data/d.csv'], force: true }));
    expect(error).toMatchObject({ code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('data/d.csv') });
  });
});
