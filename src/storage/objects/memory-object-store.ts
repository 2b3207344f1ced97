import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Digest } from '../../domain/digest.js';
import { corruptObject, notFound } from '../../domain/errors.js';
import { hashThrough } from '../../lib/hash-pass-through.js';
import { assertExpectedDigest, objectInfoOf, unexpectedDigest } from './object-digest.js';
import { uniqueDigests } from './object-layout.js';
import type {
  BatchReadResult,
  BatchWriteResult,
  ObjectBatches,
  ObjectBytes,
  ObjectInfo,
  ObjectStore,
  ObjectStoreFactory,
  PutOptions,
} from './types.js';
import { verifyObjectStream } from './verify-object-stream.js';

const CHUNK_BYTES = 64 * 1024;

/**
 * An object store in memory (`memory://` or `memory://name`): for tests and as a fake. Each open returns a new,
 * empty store; the name only appears in messages. Same semantics as the durable stores, verification included.
 */
export class MemoryObjectStore implements ObjectStore, ObjectBatches {
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
    if (bytes === undefined) throw this.#absent(digest);
    return verifyObjectStream(Readable.from(chunksOf(bytes)), digest, { location: this.uri, hint: CORRUPT_HINT });
  }

  async readMany(digests: readonly Digest[], maxObjectBytes: number): Promise<BatchReadResult[]> {
    return digests.map((digest) => {
      const bytes = this.#objects.get(digest);
      if (bytes === undefined) return { digest, error: this.#absent(digest) };
      if (bytes.byteLength > maxObjectBytes) return { digest, large: true };
      const actual = sha256Hex(bytes);
      if (`sha256:${actual}` === digest) return { digest, bytes: Buffer.from(bytes) };
      const message = `Object ${digest} at ${this.uri} is corrupt: its ${bytes.byteLength} bytes hash to sha256:${actual}.`;
      return { digest, error: corruptObject(message, { hint: CORRUPT_HINT }) };
    });
  }

  async writeMany(objects: readonly ObjectBytes[]): Promise<BatchWriteResult[]> {
    return objects.map(({ digest, bytes }) => {
      const info = objectInfoOf({ hex: sha256Hex(bytes), bytes: bytes.byteLength });
      if (info.digest !== digest) return { digest, error: unexpectedDigest(info, digest) };
      if (!this.#objects.has(digest)) this.#objects.set(digest, Buffer.from(bytes));
      return { digest, size: info.size };
    });
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

  #absent(digest: Digest) {
    return notFound(`Object ${digest} is not in the object store ${this.uri}.`, {
      hint: 'Put it first, or check that the digest is right.',
    });
  }

  /** Test-only: replaces the stored bytes of `digest` without re-hashing them, to simulate corruption. */
  overwriteForTesting(digest: Digest, bytes: Uint8Array): void {
    this.#objects.set(digest, Buffer.from(bytes));
  }
}

const CORRUPT_HINT = 'The in-memory copy was overwritten; delete it and put the object again.';
const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function* chunksOf(bytes: Buffer): Generator<Buffer> {
  for (let offset = 0; offset < bytes.byteLength; offset += CHUNK_BYTES) {
    yield bytes.subarray(offset, offset + CHUNK_BYTES);
  }
}

export const createMemoryObjectStore: ObjectStoreFactory = async (uri) => new MemoryObjectStore(uri);
