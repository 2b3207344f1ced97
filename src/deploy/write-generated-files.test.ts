import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeGeneratedFiles } from './write-generated-files.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-write-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const files = [
  { path: 'a.yaml', content: 'a: 1\n' },
  { path: 'sub/b.yaml', content: 'b: 2\n' },
];

describe('writeGeneratedFiles', () => {
  it('writes every file under the output folder, creating folders, and leaves no temp files', async () => {
    const out = join(dir, 'out');
    const written = await writeGeneratedFiles(out, files);
    expect(written).toHaveLength(2);
    expect(await readFile(join(out, 'sub', 'b.yaml'), 'utf8')).toBe('b: 2\n');
    expect((await readdir(out)).sort()).toEqual(['a.yaml', 'sub']);
  });

  it('refuses to clobber an existing file without force, and writes nothing at all then', async () => {
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'b.yaml'), 'mine\n');
    await expect(writeGeneratedFiles(dir, files)).rejects.toMatchObject({
      code: 'RESOURCE_ALREADY_EXISTS',
      message: expect.stringContaining('sub/b.yaml'),
      hint: expect.stringContaining('--force'),
    });
    expect(await readFile(join(dir, 'sub', 'b.yaml'), 'utf8')).toBe('mine\n');
    expect(await readdir(dir)).toEqual(['sub']);
    await writeGeneratedFiles(dir, files, { force: true });
    expect(await readFile(join(dir, 'sub', 'b.yaml'), 'utf8')).toBe('b: 2\n');
  });

  it.each(['../escape.yaml', '/etc/passwd', 'a/../../x', 'a\\b', ''])('refuses the unsafe path %j', async (path) => {
    await expect(writeGeneratedFiles(join(dir, 'out'), [{ path, content: 'x' }])).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
    });
    expect(await readdir(dir)).toEqual(['out']);
  });

  it('refuses to follow a symbolic link inside the output folder to somewhere else', async () => {
    const out = join(dir, 'out');
    const elsewhere = join(dir, 'elsewhere');
    await mkdir(out);
    await mkdir(elsewhere);
    await symlink(elsewhere, join(out, 'sub'));
    await expect(writeGeneratedFiles(out, files, { force: true })).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining('outside'),
    });
    expect(await readdir(elsewhere)).toEqual([]);
    expect(await readdir(out)).toEqual(['sub']);
  });
});
