import { createHash, type Hash } from 'node:crypto';
import { pipeline, type Readable, Transform, type TransformCallback } from 'node:stream';

export const ONE_MIB = 1024 * 1024;

export interface HashResult {
  readonly hex: string;
  readonly bytes: number;
}

export interface HashPassThroughOptions {
  readonly algorithm?: string;
  /** Called once the input has ended; an error returned here fails the stream instead of ending it. */
  readonly check?: (result: HashResult) => Error | undefined;
}

/** A pass-through stream that hashes and counts the bytes flowing through it, in the same pass. */
export class HashPassThrough extends Transform {
  readonly #hash: Hash;
  readonly #check: HashPassThroughOptions['check'];
  #bytes = 0;
  #result: HashResult | undefined;

  constructor(options: HashPassThroughOptions = {}) {
    super({ readableHighWaterMark: ONE_MIB, writableHighWaterMark: ONE_MIB });
    this.#hash = createHash(options.algorithm ?? 'sha256');
    this.#check = options.check;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#hash.update(chunk);
    this.#bytes += chunk.byteLength;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const result = this.result();
    callback(this.#check?.(result) ?? null);
  }

  /** The digest and byte count; final once the input has ended. */
  result(): HashResult {
    this.#result ??= { hex: this.#hash.digest('hex'), bytes: this.#bytes };
    return this.#result;
  }
}

/**
 * Pipes `source` into a new HashPassThrough and returns it. Errors of the source fail the returned stream;
 * destroying the returned stream destroys the source.
 */
export const hashThrough = (source: Readable, options?: HashPassThroughOptions): HashPassThrough => {
  const hasher = new HashPassThrough(options);
  pipeline(source, hasher, () => {});
  return hasher;
};

/** Reads a stream to its end and returns its digest and size, holding at most one chunk in memory. */
export const hashStream = async (source: Readable, algorithm = 'sha256'): Promise<HashResult> => {
  const hash = createHash(algorithm);
  let bytes = 0;
  for await (const chunk of source) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).byteLength;
  }
  return { hex: hash.digest('hex'), bytes };
};
