import { createHash, type Hash } from 'node:crypto';
import { pipeline, type Readable, Transform, type TransformCallback } from 'node:stream';
import { type Digest, digestHex } from '../../domain/digest.js';
import { corruptObject } from '../../domain/errors.js';
import { ONE_MIB } from '../../lib/hash-pass-through.js';

export interface ObjectLocation {
  /** Where the object was read from, for the message: a file path, an `s3://` URL. */
  readonly location: string;
  /** What the user should do about a corrupt copy there. */
  readonly hint: string;
}

/**
 * Wraps an object's byte stream so that it is verified against `digest` while it flows. The last chunk is held
 * back until the whole object has been hashed: a corrupt object's stream fails with CORRUPT_OBJECT before its
 * end, so a consumer never receives the complete bytes as if they were good. Destroying the returned stream
 * destroys the source.
 */
export const verifyObjectStream = (source: Readable, digest: Digest, where: ObjectLocation): Readable => {
  const verifier = new VerifyingStream(digest, where);
  pipeline(source, verifier, () => {});
  return verifier;
};

class VerifyingStream extends Transform {
  readonly #hash: Hash = createHash('sha256');
  readonly #digest: Digest;
  readonly #where: ObjectLocation;
  #held: Buffer | undefined;
  #bytes = 0;

  constructor(digest: Digest, where: ObjectLocation) {
    super({ readableHighWaterMark: ONE_MIB, writableHighWaterMark: ONE_MIB });
    this.#digest = digest;
    this.#where = where;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#hash.update(chunk);
    this.#bytes += chunk.byteLength;
    const previous = this.#held;
    this.#held = chunk;
    callback(null, previous);
  }

  override _flush(callback: TransformCallback): void {
    const actual = this.#hash.digest('hex');
    if (actual !== digestHex(this.#digest)) {
      callback(this.#corrupt(actual));
      return;
    }
    if (this.#held !== undefined) this.push(this.#held);
    callback();
  }

  #corrupt(actual: string) {
    return corruptObject(
      `Object ${this.#digest} at ${this.#where.location} is corrupt: its ${this.#bytes} bytes hash to sha256:${actual}.`,
      { hint: this.#where.hint },
    );
  }
}
