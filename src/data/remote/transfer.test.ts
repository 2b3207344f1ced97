import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Digest } from '../../domain/digest.js';
import { SlipwayError } from '../../domain/errors.js';
import { MemoryObjectStore } from '../../storage/objects/memory-object-store.js';
import { openS3ObjectStore } from '../../storage/objects/s3-object-store.js';
import { S3RVER_ENV, type S3TestServer, startS3TestServer } from '../../storage/objects/testing/s3-test-server.js';
import type { ObjectInfo, ObjectStore, PutOptions } from '../../storage/objects/types.js';
import { readPointerFile } from '../pointer/pointer-file.js';
import type { TempWorkspace } from '../testing/temp-workspace.js';
import type { Workspace } from '../workspace/workspace.js';
import { fetchFromRemote } from './fetch.js';
import type { OpenRemote } from './open-remote.js';
import { pullFromRemote } from './pull.js';
import { pushToRemote } from './push.js';
import { cloneOf, folderRemote, listAll, workspaceWithData } from './testing/remote-workspaces.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const track = <T extends { remove(): Promise<unknown> }>(item: T): T => {
  cleanups.push(() => item.remove());
  return item;
};

const opened = async (open: () => Promise<Workspace>): Promise<Workspace> => {
  const ws = await open();
  cleanups.push(() => ws.close());
  return ws;
};

/** A remote without the batch capability whose disk fills up after `room` objects (a fake of the port). */
class FullAfter implements ObjectStore {
  readonly uri = 'memory://full';
  readonly #inner = new MemoryObjectStore('memory://full');
  #room: number;
  constructor(room: number) {
    this.#room = room;
  }
  async put(body: Readable, options?: PutOptions): Promise<ObjectInfo> {
    if (this.#room <= 0) throw new SlipwayError('RESOURCE_EXHAUSTED', 'No space left on the device.');
    this.#room -= 1;
    return this.#inner.put(body, options);
  }
  has = (digest: Digest) => this.#inner.has(digest);
  stat = (digest: Digest) => this.#inner.stat(digest);
  get = (digest: Digest) => this.#inner.get(digest);
  list = () => this.#inner.list();
  delete = (digest: Digest) => this.#inner.delete(digest);
  missing = (digests: readonly Digest[]) => this.#inner.missing(digests);
  close = () => this.#inner.close();
}

const remoteOf = (store: ObjectStore, url: string): OpenRemote => ({ name: 'origin', url, store });

let s3: S3TestServer;
beforeAll(async () => {
  s3 = await startS3TestServer(['slipway-remote']);
});
afterAll(async () => s3?.close());

const REMOTES: Array<[string, () => Promise<OpenRemote>]> = [
  [
    'a folder',
    async () => {
      const folder = track(await folderRemote());
      return remoteOf(folder.store, folder.root);
    },
  ],
  [
    'an S3 bucket (s3rver)',
    async () => {
      const uri = `s3://slipway-remote/run-${Date.now()}-${Math.random().toString(16).slice(2)}?endpoint=${s3.endpoint}`;
      const store = await openS3ObjectStore(uri, S3RVER_ENV);
      cleanups.push(() => store.close());
      return remoteOf(store, uri);
    },
  ],
];

describe.each(REMOTES)('push, fetch and pull with %s', (_label, makeRemote) => {
  it('pushes every object once, and a clone pulls the same files back', async () => {
    const source = track(await workspaceWithData(4));
    const remote = await makeRemote();
    const ws = await opened(() => source.open());
    const pushed = await pushToRemote(ws, remote, { cwd: source.root });
    expect(pushed).toMatchObject({ requested: 6, present: 0, transferred: 6, failures: [], unexpanded: [] });
    expect(await listAll(remote.store)).toEqual(await listAll(ws.cache.store));
    expect(await pushToRemote(ws, remote, { cwd: source.root })).toMatchObject({
      present: 6,
      transferred: 0,
      bytes: 0,
    });

    const clone = track(await cloneOf(source));
    const target = await opened(() => clone.open());
    const pulled = await pullFromRemote(target, remote, { cwd: clone.root });
    expect(pulled).toMatchObject({ transferred: 6, failures: [] });
    expect(pulled.checkout?.written.sort()).toEqual([
      ...[0, 1, 2, 3].map((i) => `data/images/img-${i}.txt`),
      'data/table.csv',
    ]);
    expect(await readFile(join(clone.root, 'data/images/img-2.txt'), 'utf8')).toBe('image 2\n');
    expect(await readFile(join(clone.root, 'data/table.csv'), 'utf8')).toBe('a,b\n1,2\n');
  });

  it('moves only the objects of the targets, and fetch leaves the workspace files alone', async () => {
    const source = track(await workspaceWithData(3));
    const remote = await makeRemote();
    const ws = await opened(() => source.open());
    expect(await pushToRemote(ws, remote, { cwd: source.root, targets: ['data/table.csv'] })).toMatchObject({
      transferred: 1,
    });
    expect(await pushToRemote(ws, remote, { cwd: source.root, targets: ['data/images/img-1.txt'] })).toMatchObject({
      transferred: 2,
    });
    const clone = track(await cloneOf(source));
    const target = await opened(() => clone.open());
    const fetched = await fetchFromRemote(target, remote, { cwd: clone.root, targets: ['data/images/img-1.txt'] });
    expect(fetched).toMatchObject({ transferred: 2, failures: [] });
    await expect(readFile(join(clone.root, 'data/images/img-1.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('transfer failures', () => {
  let source: TempWorkspace;
  let ws: Workspace;
  const setUp = async () => {
    source = track(await workspaceWithData(3));
    ws = await opened(() => source.open());
  };

  it('lists objects that are in neither store with their paths, and pushes the rest', async () => {
    await setUp();
    const folder = track(await folderRemote());
    const pointer = await readPointerFile(join(source.root, 'data/table.csv.slip'));
    await ws.cache.store.delete(pointer.digest);
    const report = await pushToRemote(ws, remoteOf(folder.store, folder.root), { cwd: source.root });
    expect(report.failures).toEqual([
      {
        digest: pointer.digest,
        code: 'RESOURCE_DOES_NOT_EXIST',
        message: expect.stringContaining(pointer.digest),
        paths: ['data/table.csv'],
      },
    ]);
    expect(report.transferred).toBe(4);
  });

  it('does not push a corrupt cache object, and reports it as CORRUPT_OBJECT', async () => {
    await setUp();
    const folder = track(await folderRemote());
    const { digest } = await readPointerFile(join(source.root, 'data/table.csv.slip'));
    const path = ws.cache.objectPath(digest);
    await chmod(path, 0o644);
    await writeFile(path, 'A,B\n1,2\n');
    const report = await pushToRemote(ws, remoteOf(folder.store, folder.root), { cwd: source.root });
    expect(report.failures).toMatchObject([{ digest, code: 'CORRUPT_OBJECT', paths: ['data/table.csv'] }]);
    expect(await folder.store.has(digest)).toBe(false);
    expect(report.transferred).toBe(4);
  });

  it('stops at a failure that dooms the rest (a full disk), keeping what was copied', async () => {
    await setUp();
    const full = new FullAfter(2);
    const pushed = pushToRemote(ws, remoteOf(full, 'memory://full'), { cwd: source.root, jobs: 1 });
    await expect(pushed).rejects.toMatchObject({
      code: 'RESOURCE_EXHAUSTED',
      message: 'Pushing stopped after 2 of 3 objects: No space left on the device.',
      hint: expect.stringContaining('run the command again'),
    });
    expect(await listAll(full)).toHaveLength(2);
  });
});
