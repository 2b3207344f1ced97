import { finished, type Readable, Transform, type TransformCallback } from 'node:stream';
import type { Digest } from '../../../domain/digest.js';
import { SlipwayError } from '../../../domain/errors.js';

/** PAYLOAD_TOO_LARGE for an upload over the server's object size limit. */
export const objectTooLarge = (digest: Digest, maxBytes: number): SlipwayError =>
  new SlipwayError('PAYLOAD_TOO_LARGE', `Object ${digest} is larger than this server's limit of ${maxBytes} bytes.`, {
    hint: 'Ask the operator to raise server.objectMaxBytes (SLIPWAY_OBJECT_MAX_BYTES), or push to another remote.',
  });

class ObjectByteLimit extends Transform {
  readonly #max: number;
  readonly #digest: Digest;
  #bytes = 0;

  constructor(max: number, digest: Digest) {
    super();
    this.#max = max;
    this.#digest = digest;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#bytes += chunk.byteLength;
    callback(this.#bytes > this.#max ? objectTooLarge(this.#digest, this.#max) : null, chunk);
  }
}

/**
 * Passes `source` (a request body) through, failing with PAYLOAD_TOO_LARGE once more than `maxBytes` have
 * flowed. A failure of the source (the client went away) fails the result; a failure of the result does not
 * destroy the source, so the server can still answer 413 on the connection before closing it.
 */
export function limitObjectBytes(source: Readable, maxBytes: number, digest: Digest): Readable {
  const limiter = new ObjectByteLimit(maxBytes, digest);
  finished(source, (error) => {
    if (error) limiter.destroy(error);
  });
  source.pipe(limiter);
  // The consumer sees the error through its own pipeline; `pipe` re-emits it once that has let go.
  limiter.on('error', () => {});
  return limiter;
}
