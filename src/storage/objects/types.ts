import type { Readable } from 'node:stream';
import type { Digest } from '../../domain/digest.js';

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
