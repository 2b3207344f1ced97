import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { atomicWriteFile } from './atomic-write-file.js';
import { fsyncDirectory } from './fsync-directory.js';
import { removeStaleFiles } from './remove-stale-files.js';
import { writeStreamToFile } from './write-stream-to-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-lib-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

async function* pieces(count: number, size: number, failAt?: number) {
  for (let index = 0; index < count; index += 1) {
    if (index === failAt) throw new Error('source failed');
    yield Buffer.alloc(size, index);
  }
}

describe('writeStreamToFile', () => {
  it.each([0, 250_000, 16 * 1024 * 1024])(
    'writes every chunk in order (flushing every %i bytes)',
    async (flushBytes) => {
      const path = join(dir, 'out');
      expect(await writeStreamToFile(pieces(40, 100_000), path, { mode: 0o444, flushBytes })).toBe(4_000_000);
      const written = await readFile(path);
      expect(written.byteLength).toBe(4_000_000);
      expect(written[0]).toBe(0);
      expect(written[3_999_999]).toBe(39);
      expect((await stat(path)).mode & 0o777).toBe(0o444);
    },
  );

  it('removes the file when the source fails, and never overwrites an existing file', async () => {
    const path = join(dir, 'out');
    await expect(writeStreamToFile(pieces(40, 100_000, 30), path)).rejects.toThrow('source failed');
    expect(await readdir(dir)).toEqual([]);
    await writeFile(path, 'keep');
    await expect(writeStreamToFile(pieces(1, 1), path)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(path, 'utf8')).toBe('keep');
  });
});

describe('atomicWriteFile', () => {
  it('replaces the content and leaves no temp file', async () => {
    const path = join(dir, 'config.yaml');
    await atomicWriteFile(path, 'one');
    await atomicWriteFile(path, 'two');
    expect(await readFile(path, 'utf8')).toBe('two');
    expect(await readdir(dir)).toEqual(['config.yaml']);
  });

  it('fails without leaving a temp file when the folder is missing', async () => {
    await expect(atomicWriteFile(join(dir, 'missing', 'x'), 'x')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('fsyncDirectory and removeStaleFiles', () => {
  it('fsyncs a folder, and fails for a missing one', async () => {
    await expect(fsyncDirectory(dir)).resolves.toBeUndefined();
    await expect(fsyncDirectory(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('removes only files older than the age', async () => {
    await writeFile(join(dir, 'old'), 'x');
    await writeFile(join(dir, 'new'), 'x');
    await utimes(join(dir, 'old'), 1000, 1000);
    expect(await removeStaleFiles(dir, 60_000)).toBe(1);
    expect(await readdir(dir)).toEqual(['new']);
    expect(await removeStaleFiles(join(dir, 'missing'), 0)).toBe(0);
  });
});
