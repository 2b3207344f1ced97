import { createHash } from 'node:crypto';
import { access, chmod, lstat, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addToWorkspace } from './add.js';
import { readPointerFile } from './pointer/pointer-file.js';
import { createTempWorkspace, type TempWorkspace } from './testing/temp-workspace.js';
import { readTree } from './tree/tree-store.js';
import type { Workspace } from './workspace/workspace.js';

/** Root ignores file permissions: read-only files are then only a convention (docs/data.md says so). */
const RUNNING_AS_ROOT = process.getuid?.() === 0;
const sha = (data: string | Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}` as const;

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
const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as { code: string; message: string },
  );

describe('slipway add', () => {
  it('stores a file in the cache and writes its pointer and .gitignore entry', async () => {
    await t.write({ 'data/wine.csv': 'a,b\n1,2\n' });
    const result = await add('data/wine.csv');
    expect(result.targets).toEqual([
      {
        path: 'data/wine.csv',
        pointer: 'data/wine.csv.slip',
        kind: 'file',
        digest: sha('a,b\n1,2\n'),
        size: 8,
        changed: true,
      },
    ]);
    expect(await readFile(ws.cache.objectPath(sha('a,b\n1,2\n')), 'utf8')).toBe('a,b\n1,2\n');
    expect((await stat(ws.cache.objectPath(sha('a,b\n1,2\n')))).mode & 0o777).toBe(0o444);
    expect(await readFile(join(t.root, 'data/wine.csv.slip'), 'utf8')).toBe(
      `schema: 1\npath: wine.csv\ndigest: ${sha('a,b\n1,2\n')}\nsize: 8\n`,
    );
    expect(await readFile(join(t.root, 'data/.gitignore'), 'utf8')).toBe('/wine.csv\n');
    expect(await t.git('status', '--porcelain', '--untracked-files=all', 'data')).toBe(
      '?? data/.gitignore\n?? data/wine.csv.slip\n',
    );
  });

  it('stores a directory as a tree object listing every file with digest, size and mode', async () => {
    await t.write({ 'images/cat.jpg': 'meow', 'images/sub/dog.jpg': 'woof', 'images/run.sh': '#!/bin/sh\n' });
    await chmod(join(t.root, 'images/run.sh'), 0o755);
    const [target] = (await add('images')).targets;
    expect(target).toMatchObject({ kind: 'directory', files: 3, size: 18 });
    const tree = await readTree(ws.cache.store, target?.digest as never, 'images');
    expect(tree).toEqual([
      { path: 'cat.jpg', digest: sha('meow'), size: 4, mode: 0o644 },
      { path: 'run.sh', digest: sha('#!/bin/sh\n'), size: 10, mode: 0o755 },
      { path: 'sub/dog.jpg', digest: sha('woof'), size: 4, mode: 0o644 },
    ]);
    expect((await readPointerFile(join(t.root, 'images.slip'))).files).toBe(3);
    expect(await readFile(join(t.root, '.gitignore'), 'utf8')).toBe('/images\n');
  });

  it('appends to an existing .gitignore once, escaping special characters', async () => {
    await t.write({ '.gitignore': 'node_modules', 'a[1].csv': 'x', 'b.csv': 'y' });
    await add('a[1].csv', 'b.csv');
    await add('b.csv');
    expect(await readFile(join(t.root, '.gitignore'), 'utf8')).toBe('node_modules\n/a\\[1\\].csv\n/b.csv\n');
    expect(await t.git('check-ignore', 'a[1].csv')).toBe('a[1].csv\n');
  });

  it('never re-hashes unchanged files (state index) and re-adding is a no-op', async () => {
    const files = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`set/f${i}.txt`, `file ${i}`]));
    await t.write(files);
    await t.age('set');
    expect((await add('set')).hashed).toBe(20);
    const again = await add('set');
    expect(again).toMatchObject({ hashed: 0, stored: 0 });
    expect(again.targets[0]?.changed).toBe(false);
    await t.write({ 'set/f3.txt': 'changed!', 'set/new.txt': 'new' });
    const third = await add('set');
    expect(third).toMatchObject({ hashed: 2, stored: 2 });
  });

  it('re-hashes a file modified within the racy window even when size and mtime look unchanged', async () => {
    await t.write({ 'r.txt': 'aaaa' });
    await add('r.txt');
    const before = await stat(join(t.root, 'r.txt'));
    await writeFile(join(t.root, 'r.txt'), 'bbbb');
    const { utimes } = await import('node:fs/promises');
    await utimes(join(t.root, 'r.txt'), before.atime, before.mtime);
    expect((await add('r.txt')).targets[0]?.digest).toBe(sha('bbbb'));
  });

  it('keeps desc and meta of an existing pointer file', async () => {
    await t.write({
      'm.bin': 'v1',
      'm.bin.slip': `schema: 1\npath: m.bin\ndigest: ${sha('v0')}\nsize: 2\ndesc: weights\nmeta:\n  owner: ml\n`,
    });
    await add('m.bin');
    expect(await readPointerFile(join(t.root, 'm.bin.slip'))).toMatchObject({
      digest: sha('v1'),
      desc: 'weights',
      meta: { owner: 'ml' },
    });
  });

  it('refuses paths outside the workspace, in .slipway or .git, inside tracked folders, or tracked by git', async () => {
    await t.write({ 'd/a.txt': 'a', 'kept.txt': 'git', 'nest/x.slip': 'schema: 1\n', 'nest/y': 'y' });
    expect(await errorOf(add('../elsewhere'))).toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining('outside the workspace'),
    });
    expect(await errorOf(add('/etc/hostname'))).toMatchObject({
      message: expect.stringContaining('outside the workspace'),
    });
    expect(await errorOf(add('.slipway/config.yaml'))).toMatchObject({
      message: expect.stringContaining('manages itself'),
    });
    expect(await errorOf(add('.git/HEAD'))).toMatchObject({ message: expect.stringContaining('manages itself') });
    expect(await errorOf(add('missing'))).toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    await add('d');
    expect(await errorOf(add('d/a.txt'))).toMatchObject({
      message: expect.stringContaining('already tracked as a whole'),
    });
    await t.git('add', 'kept.txt');
    expect(await errorOf(add('kept.txt'))).toMatchObject({ hint: expect.stringContaining('git rm -r --cached') });
    expect(await errorOf(add('nest'))).toMatchObject({ message: expect.stringContaining('contains the pointer file') });
  });

  it('refuses a symbolic link that leads out of the workspace, and writes nothing', async () => {
    await t.write({ 'data/ok.txt': 'ok' });
    await symlink('/etc', join(t.root, 'data/escape'));
    await symlink('/etc/hostname', join(t.root, 'data/host'));
    const error = await errorOf(add('data'));
    expect(error?.message).toContain('data/escape is a symbolic link leading out of the workspace');
    expect(error?.message).toContain('data/host is a symbolic link leading out of the workspace');
    await expect(access(join(t.root, 'data.slip'))).rejects.toThrow();
    await symlink(join(t.root, 'data'), join(t.root, 'linked'));
    expect(await errorOf(add('linked/ok.txt'))).toBeUndefined();
  });
});

describe('link modes', () => {
  it('hardlink: the workspace file is the read-only cache object', async () => {
    const hl = await t.open('hardlink');
    try {
      await t.write({ 'h/a.bin': 'hard', 'h/b.bin': Buffer.alloc(5 * 1024 * 1024, 3) });
      await addToWorkspace(hl, { paths: ['h'], cwd: t.root });
      for (const [name, digest] of [
        ['a.bin', sha('hard')],
        ['b.bin', sha(Buffer.alloc(5 * 1024 * 1024, 3))],
      ] as const) {
        const file = await stat(join(t.root, 'h', name));
        expect(file.ino).toBe((await stat(hl.cache.objectPath(digest))).ino);
        expect(file.mode & 0o222).toBe(0);
      }
      if (!RUNNING_AS_ROOT) {
        await expect(writeFile(join(t.root, 'h/a.bin'), 'edit in place')).rejects.toMatchObject({ code: 'EACCES' });
      }
    } finally {
      await hl.close();
    }
  });

  it('symlink: the workspace file links to the read-only object; re-adding recognises the link', async () => {
    const sl = await t.open('symlink');
    try {
      await t.write({ 's.bin': 'soft' });
      await addToWorkspace(sl, { paths: ['s.bin'], cwd: t.root });
      expect((await lstat(join(t.root, 's.bin'))).isSymbolicLink()).toBe(true);
      expect(await readlink(join(t.root, 's.bin'))).toBe(sl.cache.objectPath(sha('soft')));
      expect((await stat(join(t.root, 's.bin'))).mode & 0o222).toBe(0);
      if (!RUNNING_AS_ROOT)
        await expect(writeFile(join(t.root, 's.bin'), 'x')).rejects.toMatchObject({ code: 'EACCES' });
      const again = await addToWorkspace(sl, { paths: ['s.bin'], cwd: t.root });
      expect(again).toMatchObject({ hashed: 0, targets: [{ digest: sha('soft'), changed: false }] });
    } finally {
      await sl.close();
    }
  });

  it('reflink falls back to a copy where the file system cannot clone', async () => {
    await t.write({ 'big.bin': Buffer.alloc(6 * 1024 * 1024, 7) });
    const result = await addToWorkspace(ws, { paths: ['big.bin'], cwd: t.root, linkMode: 'reflink' });
    const digest = sha(Buffer.alloc(6 * 1024 * 1024, 7));
    expect(result.targets[0]?.digest).toBe(digest);
    expect((await readFile(ws.cache.objectPath(digest))).equals(Buffer.alloc(6 * 1024 * 1024, 7))).toBe(true);
    expect((await stat(join(t.root, 'big.bin'))).mode & 0o200).toBe(0o200);
  });
});
