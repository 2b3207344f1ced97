import type { Readable } from 'node:stream';
import type { Digest } from '../../domain/digest.js';
import type { SlipwayError } from '../../domain/errors.js';

export interface ObjectInfo {
  readonly digest: Digest;
  readonly size: number;
}

export interface PutOptions {
  /** When given, the put fails with CORRUPT_OBJECT unless the bytes hash to this digest; nothing is stored. */
  readonly expectedDigest?: Digest;
}

/**
 * A content-addressed object store: bytes in, `sha256:<hex>` out. Objects never change once written.
 * Writes are atomic (no partial object is ever visible under its digest); reads verify the digest while
 * streaming and fail with CORRUPT_OBJECT rather than return bad bytes as good.
 */
export interface ObjectStore {
  /** The URI this store was opened from, for messages. */
  readonly uri: string;
  has(digest: Digest): Promise<boolean>;
  /** Size of the object, or undefined when absent. */
  stat(digest: Digest): Promise<ObjectInfo | undefined>;
  /** Streams the object; the stream errors with CORRUPT_OBJECT if the bytes do not match. RESOURCE_DOES_NOT_EXIST when absent. */
  get(digest: Digest): Promise<Readable>;
  put(body: Readable, options?: PutOptions): Promise<ObjectInfo>;
  list(): AsyncIterable<Digest>;
  /** Removes the object; absent objects are not an error. */
  delete(digest: Digest): Promise<void>;
  /** Which of these digests the store does not hold, in input order without duplicates. */
  missing(digests: readonly Digest[]): Promise<Digest[]>;
  close(): Promise<void>;
}

export type ObjectStoreFactory = (uri: string) => Promise<ObjectStore>;

/** A whole object in memory, named by the digest its bytes must hash to. */
export interface ObjectBytes {
  readonly digest: Digest;
  readonly bytes: Uint8Array;
}

/**
 * What a batched read found for one digest: its verified bytes; `large` when it is over the read's size limit
 * (read it with `get`); or why it could not be read (RESOURCE_DOES_NOT_EXIST, CORRUPT_OBJECT).
 */
export type BatchReadResult =
  | { readonly digest: Digest; readonly bytes: Buffer }
  | { readonly digest: Digest; readonly large: true }
  | { readonly digest: Digest; readonly error: SlipwayError };

/** What a batched write did with one object: stored (or already held), or why not (nothing stored for it). */
export type BatchWriteResult =
  | { readonly digest: Digest; readonly size: number }
  | { readonly digest: Digest; readonly error: SlipwayError };

/**
 * Optional capability of an object store: many small objects per call, as whole buffers, for stores whose cost per
 * object dominates for small ones (a folder: an fsync and a rename each; a server: a request each). Callers check
 * with `supportsBatches(store)` and otherwise use get/put. The guarantees are those of get and put: every object
 * read is verified, every object written is checked against its digest and visible only once complete and
 * durable. Per-object problems come back as results; a failure of the whole call (disk full, server down) throws.
 */
export interface ObjectBatches {
  /** Reads these objects whole, in input order; objects over `maxObjectBytes` come back `large`. */
  readMany(digests: readonly Digest[], maxObjectBytes: number): Promise<BatchReadResult[]>;
  /** Stores these objects, in input order; one whose bytes do not hash to its digest fails with CORRUPT_OBJECT. */
  writeMany(objects: readonly ObjectBytes[]): Promise<BatchWriteResult[]>;
}

export const supportsBatches = (store: ObjectStore): store is ObjectStore & ObjectBatches =>
  typeof (store as Partial<ObjectBatches>).readMany === 'function' &&
  typeof (store as Partial<ObjectBatches>).writeMany === 'function';
