import { finished, type Readable, Transform, type TransformCallback } from 'node:stream';
import { SlipwayError } from '../domain/errors.js';

export const tooLarge = (what: string, maxBytes: number): SlipwayError =>
  new SlipwayError('PAYLOAD_TOO_LARGE', `${what} is larger than the limit of ${maxBytes} bytes.`, {
    hint: 'Raise the server’s artifact upload limit (server.artifactMaxBytes, SLIPWAY_ARTIFACT_MAX_BYTES), or split the file.',
  });

class ByteLimit extends Transform {
  readonly #max: number;
  readonly #what: string;
  #bytes = 0;

  constructor(max: number, what: string) {
    super();
    this.#max = max;
    this.#what = what;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#bytes += chunk.byteLength;
    callback(this.#bytes > this.#max ? tooLarge(this.#what, this.#max) : null, chunk);
  }
}

/**
 * Passes `source` through, failing with PAYLOAD_TOO_LARGE as soon as more than `maxBytes` have flowed: a streamed
 * body is refused while it arrives, never after it has been stored. The source's errors, and its end before its
 * last byte, fail the result. On failure the source is only unpiped, never destroyed: for a request body that
 * keeps the connection up long enough to send the refusal.
 */
export function limitBytes(source: Readable, maxBytes: number, what: string): Readable {
  const limiter = new ByteLimit(maxBytes, what);
  finished(source, (error) => {
    if (error) limiter.destroy(error);
  });
  limiter.on('close', () => source.unpipe(limiter));
  source.pipe(limiter);
  return limiter;
}
