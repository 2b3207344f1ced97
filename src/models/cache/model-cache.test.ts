import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TreeEntry } from '../../data/tree/tree.js';
import { putTree } from '../../data/tree/tree-store.js';
import type { Digest } from '../../domain/digest.js';
import { MemoryObjectStore } from '../../storage/objects/memory-object-store.js';
import type { ObjectStore } from '../../storage/objects/types.js';
import { loadModel } from '../load-model.js';
import { buildLinearRegression } from '../onnx-format/build-estimators.js';
import { saveModel } from '../package/save-model.js';
import { ModelCache, removeTree } from './model-cache.js';

let dir: string;
let store: MemoryObjectStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-model-cache-'));
  store = new MemoryObjectStore();
});
afterEach(async () => {
  await removeTree(dir);
});

/** Saves a small model, uploads its files and tree; returns the tree digest and the entries. */
async function uploadModel(target: ObjectStore): Promise<{ digest: Digest; entries: TreeEntry[] }> {
  const folder = join(dir, 'source');
  await saveModel(folder, { onnx: buildLinearRegression({ weights: [2, 3], bias: 1 }) });
  const entries: TreeEntry[] = [];
  for (const name of (await readdir(folder)).sort()) {
    const bytes = await readFile(join(folder, name));
    const { digest, size } = await target.put(Readable.from([bytes]));
    entries.push({ path: name, digest, size, mode: 0o644 });
  }

  return { digest: await putTree(target, entries), entries };
}

const leftovers = async (root: string) => (await readdir(root).catch(() => [])).filter((name) => name.startsWith('.'));

describe('ModelCache', () => {
  it('fetches a model tree into <root>/<hex>/, read-only, and the model loads from there', async () => {
    const { digest } = await uploadModel(store);
    const cache = new ModelCache({ root: join(dir, 'cache'), store });
    const folder = await cache.fetch(digest);
    expect(folder).toBe(join(dir, 'cache', digest.slice('sha256:'.length)));
    expect((await stat(join(folder, 'model.onnx'))).mode & 0o777).toBe(0o444);
    expect((await stat(folder)).mode & 0o777).toBe(0o555);
    const model = await loadModel(folder);
    await model.close();
    expect(await cache.fetch(digest)).toBe(folder);
    await cache.remove(digest);
    expect(await cache.has(digest)).toBe(false);
  });

  it('shares concurrent fetches of one digest, also across cache instances (processes)', async () => {
    const { digest } = await uploadModel(store);
    const root = join(dir, 'cache');
    const caches = [new ModelCache({ root, store }), new ModelCache({ root, store })];
    const folders = await Promise.all([...caches, ...caches, ...caches].map((cache) => cache.fetch(digest)));
    expect(new Set(folders).size).toBe(1);
    expect(await leftovers(root)).toEqual([]);
    await caches[0]?.remove(digest);
  });

  it('refuses a corrupt object and leaves nothing half-written', async () => {
    const { digest, entries } = await uploadModel(store);
    const target = entries.find((e) => e.path === 'model.onnx')?.digest;
    // A store that serves other bytes under the model file's digest (a fake of the port, not of our code).
    const corrupt: ObjectStore = {
      uri: 'memory://corrupt',
      has: (d) => store.has(d),
      stat: (d) => store.stat(d),
      get: async (d) => (d === target ? Readable.from([Buffer.from('not the model')]) : store.get(d)),
      put: (body, options) => store.put(body, options),
      list: () => store.list(),
      delete: (d) => store.delete(d),
      missing: (ds) => store.missing(ds),
      close: () => store.close(),
    };
    const root = join(dir, 'cache');
    await expect(new ModelCache({ root, store: corrupt }).fetch(digest)).rejects.toMatchObject({
      code: 'CORRUPT_OBJECT',
    });
    expect(await readdir(root)).toEqual([]);
  });

  it('reports a missing tree or file as RESOURCE_DOES_NOT_EXIST, leaving nothing', async () => {
    const root = join(dir, 'cache');
    const cache = new ModelCache({ root, store });
    await expect(cache.fetch(`sha256:${'1'.repeat(64)}`)).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    const { digest, entries } = await uploadModel(store);
    await store.delete(entries[0]?.digest as Digest);
    await expect(cache.fetch(digest)).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    expect(await leftovers(root)).toEqual([]);
  });

  it('enforces its limits before downloading files', async () => {
    const { digest } = await uploadModel(store);
    const cache = new ModelCache({ root: join(dir, 'cache'), store, limits: { maxModelBytes: 100 } });
    await expect(cache.fetch(digest)).rejects.toThrow(/the limit is 100/);
  });
});
