import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Digest } from '../../domain/digest.js';
import { createFsObjectStore } from './fs-object-store.js';
import { objectRelativePath } from './object-layout.js';
import { batchObjects } from './testing/batch-put-child.js';
import { collect, MIB, patternBytes, slowPatternStream } from './testing/test-bytes.js';
import { supportsBatches } from './types.js';

const CHUNKS = 64;
const CHILD = fileURLToPath(new URL('./testing/slow-put-child.ts', import.meta.url));
const BATCH_CHILD = fileURLToPath(new URL('./testing/batch-put-child.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const fullDigest = (): Digest => {
  const hash = createHash('sha256');
  for (let index = 0; index < CHUNKS; index += 1) hash.update(patternBytes(MIB, index + 1));
  return `sha256:${hash.digest('hex')}`;
};

const waitForLine = (child: ChildProcess, line: string) =>
  new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (data: Buffer) => {
      seen += data.toString();
      if (seen.includes(`${line}\n`)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before '${line}': ${seen}`)));
  });

const filesUnder = async (root: string): Promise<string[]> => {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(root, join(entry.parentPath, entry.name)));
};

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'slipway-kill-'));
});
afterEach(async () => rm(root, { recursive: true, force: true }));

it('leaves no visible object when a writer is killed with SIGKILL midway, and a later put succeeds', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, root, String(CHUNKS), '40'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await waitForLine(child, 'chunk 5');
  const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');

  const digest = fullDigest();
  const leftovers = await filesUnder(root);
  expect(leftovers).toHaveLength(1);
  expect(leftovers[0]).toMatch(/^tmp\/[0-9a-f-]+\.tmp$/);
  const partial = (await stat(join(root, leftovers[0] ?? ''))).size;
  expect(partial).toBeGreaterThan(0);
  expect(partial).toBeLessThan(CHUNKS * MIB);
  await expect(stat(join(root, objectRelativePath(digest)))).rejects.toMatchObject({ code: 'ENOENT' });

  const store = await createFsObjectStore(root);
  expect(await store.has(digest)).toBe(false);
  expect(await collect(store.list())).toEqual([]);
  expect(await store.put(slowPatternStream(CHUNKS, 0))).toEqual({ digest, size: CHUNKS * MIB });
  const hash = createHash('sha256');
  for await (const chunk of await store.get(digest)) hash.update(chunk as Buffer);
  expect(`sha256:${hash.digest('hex')}`).toBe(digest);
}, 60_000);

it('leaves only whole objects when a batched writer is killed with SIGKILL, and the batches can be written again', async () => {
  const [batches, size] = [40, 8192];
  const child = spawn(process.execPath, ['--import', 'tsx', BATCH_CHILD, root, String(batches), String(size)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await waitForLine(child, 'batch 1');
  const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');

  const store = await createFsObjectStore(root);
  if (!supportsBatches(store)) throw new Error('the fs store writes batches');
  try {
    const stored = await collect(store.list());
    expect(stored.length).toBeGreaterThanOrEqual(400);
    expect(stored.length).toBeLessThan(batches * 200);
    for (const result of await store.readMany(stored, size)) expect(result).toHaveProperty('bytes');
    const leftovers = (await filesUnder(root)).filter((path) => !path.startsWith('objects/'));
    for (const path of leftovers) expect(path).toMatch(/^tmp\/[0-9a-f]{12}-[0-9a-z]+\.tmp$/);
    for (let index = 0; index < batches; index += 1) {
      const objects = batchObjects(index, size);
      expect(await store.writeMany(objects)).toEqual(objects.map(({ digest }) => ({ digest, size })));
    }
    expect(await collect(store.list())).toHaveLength(batches * 200);
  } finally {
    await store.close();
  }
}, 120_000);
