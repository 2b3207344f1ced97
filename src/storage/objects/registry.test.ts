import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryObjectStore } from './memory-object-store.js';
import { OBJECT_STORE_ADAPTERS, objectStoreScheme, openObjectStore } from './registry.js';
import { chunkedStream, patternBytes } from './testing/test-bytes.js';

describe('object store registry', () => {
  it.each([
    ['/srv/objects', 'file'],
    ['relative/objects', 'file'],
    ['file:///srv/objects', 'file'],
    ['s3://bucket/prefix', 's3'],
    ['S3://bucket', 's3'],
    ['memory://', 'memory'],
    ['http://127.0.0.1:5000', 'http'],
    ['https://slipway.example.com/prefix', 'https'],
    ['gs://bucket', 'gs'],
  ])('reads the scheme of %s as %s', (uri, scheme) => {
    expect(objectStoreScheme(uri)).toBe(scheme);
  });

  it('opens a folder from a bare path and a file:// URI', async () => {
    const root = await mkdtemp(join(tmpdir(), 'slipway-registry-'));
    try {
      const store = await openObjectStore(root);
      const { digest } = await store.put(chunkedStream(patternBytes(10)));
      expect(await (await openObjectStore(`file://${root}`)).has(digest)).toBe(true);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('opens memory:// stores', async () => {
    const store = await openObjectStore('memory://test');
    expect(store).toBeInstanceOf(MemoryObjectStore);
    expect(store.uri).toBe('memory://test');
  });

  it('rejects an unknown scheme with INVALID_PARAMETER_VALUE listing the known ones and examples', async () => {
    const rejected = openObjectStore('gs://bucket/prefix');
    await expect(rejected).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message:
        "Unknown object store scheme 'gs' in 'gs://bucket/prefix'. Known schemes: file, s3, memory, http, https.",
      hint: expect.stringContaining('s3://bucket/prefix'),
    });
  });

  it('uses the adapter table it is given, and nothing else', async () => {
    const adapters = { fake: async () => async (uri: string) => new MemoryObjectStore(uri) };
    expect((await openObjectStore('fake://x', adapters)).uri).toBe('fake://x');
    await expect(openObjectStore('memory://', adapters)).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    await expect(openObjectStore('constructor://', adapters)).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
    });
    expect(Object.keys(OBJECT_STORE_ADAPTERS)).toEqual(['file', 's3', 'memory', 'http', 'https']);
  });
});
