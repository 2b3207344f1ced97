import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Digest } from '../../domain/digest.js';
import { fsError } from './fs-errors.js';
import { createFsObjectStore, STALE_TEMP_AGE_MS } from './fs-object-store.js';
import { objectRelativePath } from './object-layout.js';
import { describeObjectBatches, describeObjectStore } from './object-store.contract.js';
import { chunkedStream, collect, failingStream, flipByte, patternBytes, sha256Of } from './testing/test-bytes.js';

const corruptFile = async (path: string) => {
  await chmod(path, 0o644);
  await writeFile(path, flipByte(await readFile(path), 1000));
  await chmod(path, 0o444);
};

const fsFixture = async () => {
  const root = await mkdtemp(join(tmpdir(), 'slipway-fs-store-'));
  const store = await createFsObjectStore(root);
  return {
    store,
    corrupt: (digest: Digest) => corruptFile(join(root, objectRelativePath(digest))),
    cleanup: async () => {
      await store.close();
      await rm(root, { recursive: true, force: true });
    },
  };
};

describeObjectStore('fs', fsFixture);
describeObjectBatches('fs', fsFixture);

describe('fs object store', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'slipway-fs-'));
  });
  afterEach(async () => rm(root, { recursive: true, force: true }));

  it('lays objects out as read-only files under objects/sha256/ab/cdef…, leaving tmp/ empty', async () => {
    const store = await createFsObjectStore(root);
    const bytes = patternBytes(70_000);
    const { digest } = await store.put(chunkedStream(bytes));
    const hex = digest.slice('sha256:'.length);
    const path = join(root, 'objects', 'sha256', hex.slice(0, 2), hex.slice(2));
    expect((await readFile(path)).equals(bytes)).toBe(true);
    expect((await stat(path)).mode & 0o777).toBe(0o444);
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });

  it('opens the same folder from a file:// URI, an absolute and a relative path', async () => {
    const { digest } = await (await createFsObjectStore(pathToFileURL(root).href)).put(chunkedStream(patternBytes(9)));
    expect(await (await createFsObjectStore(root)).has(digest)).toBe(true);
    expect(await (await createFsObjectStore(relative(process.cwd(), root))).has(digest)).toBe(true);
  });

  it('creates a missing root folder', async () => {
    const nested = join(root, 'a', 'b');
    const store = await createFsObjectStore(nested);
    await store.put(chunkedStream(patternBytes(9)));
    expect((await stat(nested)).isDirectory()).toBe(true);
  });

  it('refuses a root that is a file, naming it', async () => {
    const file = join(root, 'not-a-folder');
    await writeFile(file, 'x');
    await expect(createFsObjectStore(file)).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining(file),
    });
    await expect(createFsObjectStore(join(file, 'below'))).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
  });

  it('refuses a file URI with a host', async () => {
    await expect(createFsObjectStore('file://elsewhere/srv/objects')).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      hint: expect.stringContaining('file:///'),
    });
  });

  it.skipIf(process.getuid?.() === 0)('reports an unreadable root as PERMISSION_DENIED naming it', async () => {
    const locked = join(root, 'locked');
    await mkdir(locked, { mode: 0o000 });
    try {
      await expect(createFsObjectStore(locked)).rejects.toMatchObject({
        code: 'PERMISSION_DENIED',
        message: expect.stringContaining(locked),
        hint: expect.stringContaining('permissions'),
      });
    } finally {
      await chmod(locked, 0o755);
    }
  });

  it('maps file-system errors to actionable codes naming the path', () => {
    const error = (code: string) => Object.assign(new Error(code), { code });
    expect(fsError(error('EACCES'), '/srv/o', 'writing')).toMatchObject({
      code: 'PERMISSION_DENIED',
      message: 'Permission denied writing /srv/o in the object store.',
    });
    expect(fsError(error('EROFS'), '/srv/o', 'writing')).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(fsError(error('ENOSPC'), '/srv/o', 'writing')).toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    const other = error('EIO');
    expect(fsError(other, '/srv/o', 'writing')).toBe(other);
  });

  it('never lists temp files, and removes stale ones when opened', async () => {
    await mkdir(join(root, 'tmp'));
    const stale = join(root, 'tmp', 'stale.tmp');
    const fresh = join(root, 'tmp', 'fresh.tmp');
    await writeFile(stale, 'partial');
    await writeFile(fresh, 'partial');
    const old = (Date.now() - STALE_TEMP_AGE_MS - 60_000) / 1000;
    await utimes(stale, old, old);
    const store = await createFsObjectStore(root);
    expect(await readdir(join(root, 'tmp'))).toEqual(['fresh.tmp']);
    expect(await collect(store.list())).toEqual([]);
  });

  it('ignores stray files in the objects folder when listing', async () => {
    const store = await createFsObjectStore(root);
    const { digest } = await store.put(chunkedStream(patternBytes(9)));
    await writeFile(join(root, 'objects', 'sha256', 'README'), 'x');
    await mkdir(join(root, 'objects', 'sha256', 'zz'));
    await writeFile(join(root, 'objects', 'sha256', 'zz', 'notahash'), 'x');
    expect(await collect(store.list())).toEqual([digest]);
  });

  it('leaves no temp file behind after a failed source or a digest mismatch', async () => {
    const store = await createFsObjectStore(root);
    await expect(store.put(failingStream(3 * 1024 * 1024, new Error('boom')))).rejects.toThrow('boom');
    const bytes = patternBytes(5000);
    const expectedDigest = sha256Of(patternBytes(5000, 2));
    await expect(store.put(chunkedStream(bytes), { expectedDigest })).rejects.toMatchObject({ code: 'CORRUPT_OBJECT' });
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });

  it('names the corrupt file and how to repair it', async () => {
    const store = await createFsObjectStore(root);
    const { digest } = await store.put(chunkedStream(patternBytes(5000)));
    const path = join(root, objectRelativePath(digest));
    await corruptFile(path);
    const stream = await store.get(digest);
    await expect(collect(stream)).rejects.toMatchObject({
      code: 'CORRUPT_OBJECT',
      message: expect.stringContaining(path),
      hint: expect.stringContaining(`rm -f '${path}'`),
    });
  });

  it('replaces a truncated copy on re-put', async () => {
    const store = await createFsObjectStore(root);
    const bytes = patternBytes(5000);
    const { digest } = await store.put(chunkedStream(bytes));
    const path = join(root, objectRelativePath(digest));
    await chmod(path, 0o644);
    await writeFile(path, bytes.subarray(0, 100));
    await store.put(chunkedStream(bytes));
    expect((await readFile(path)).equals(bytes)).toBe(true);
  });
});
