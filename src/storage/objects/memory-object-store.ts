import { Readable } from 'node:stream';
import type { Digest } from '../../domain/digest.js';
import { notFound } from '../../domain/errors.js';
import { hashThrough } from '../../lib/hash-pass-through.js';
import { assertExpectedDigest, objectInfoOf } from './object-digest.js';
import { uniqueDigests } from './object-layout.js';
import type { ObjectInfo, ObjectStore, ObjectStoreFactory, PutOptions } from './types.js';
import { verifyObjectStream } from './verify-object-stream.js';

const CHUNK_BYTES = 64 * 1024;

/**
 * An object store in memory (`memory://` or `memory://name`): for tests and as a fake. Each open returns a new,
 * empty store; the name only appears in messages. Same semantics as the durable stores, verification included.
 */
export class MemoryObjectStore implements ObjectStore {
  readonly uri: string;
  readonly #objects = new Map<Digest, Buffer>();

  constructor(uri = 'memory://') {
    this.uri = uri;
  }

  async has(digest: Digest): Promise<boolean> {
    return this.#objects.has(digest);
  }

  async stat(digest: Digest): Promise<ObjectInfo | undefined> {
    const bytes = this.#objects.get(digest);
    return bytes === undefined ? undefined : { digest, size: bytes.byteLength };
  }

  async get(digest: Digest): Promise<Readable> {
    const bytes = this.#objects.get(digest);
    if (bytes === undefined) {
      throw notFound(`Object ${digest} is not in the object store ${this.uri}.`, {
        hint: 'Put it first, or check that the digest is right.',
      });
    }
    const hint = 'The in-memory copy was overwritten; delete it and put the object again.';
    return verifyObjectStream(Readable.from(chunksOf(bytes)), digest, { location: this.uri, hint });
  }

  async put(body: Readable, options: PutOptions = {}): Promise<ObjectInfo> {
    const chunks: Buffer[] = [];
    const hasher = hashThrough(body);
    for await (const chunk of hasher) chunks.push(chunk as Buffer);
    const info = objectInfoOf(hasher.result());
    assertExpectedDigest(info, options.expectedDigest);
    if (!this.#objects.has(info.digest)) this.#objects.set(info.digest, Buffer.concat(chunks));
    return info;
  }

  async *list(): AsyncIterable<Digest> {
    yield* [...this.#objects.keys()];
  }

  async delete(digest: Digest): Promise<void> {
    this.#objects.delete(digest);
  }

  async missing(digests: readonly Digest[]): Promise<Digest[]> {
    return uniqueDigests(digests).filter((digest) => !this.#objects.has(digest));
  }

  async close(): Promise<void> {}

  /** Test-only: replaces the stored bytes of `digest` without re-hashing them, to simulate corruption. */
  overwriteForTesting(digest: Digest, bytes: Uint8Array): void {
    this.#objects.set(digest, Buffer.from(bytes));
  }
}

function* chunksOf(bytes: Buffer): Generator<Buffer> {
  for (let offset = 0; offset < bytes.byteLength; offset += CHUNK_BYTES) {
    yield bytes.subarray(offset, offset + CHUNK_BYTES);
  }
}

export const createMemoryObjectStore: ObjectStoreFactory = async (uri) => new MemoryObjectStore(uri);
