import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { type Digest, digestHex, isDigest } from '../../domain/digest.js';
import { corruptObject } from '../../domain/errors.js';

/** What to do about an object that arrived corrupt or cut off. */
export const CORRUPT_HINT =
  'Try again; if it happens again the server’s copy is corrupt: an operator should check the server log, and the object should be pushed again from a good copy.';

/**
 * Objects up to this size travel as one buffer with a Content-Length instead of a chunked stream: most data files
 * are small, and for them the stream machinery (and a chunked request's extra writes) costs more than the bytes.
 */
export const SMALL_OBJECT_BYTES = 1024 * 1024;

export type Head = { readonly whole: Buffer } | { readonly rest: Readable };

/**
 * Reads `source` until it ends or more than `limit` bytes have arrived. A short stream comes back whole; a longer
 * one as a stream of everything (what was read, then the rest). A failure of the source rejects.
 */
export async function readHead(source: Readable, limit = SMALL_OBJECT_BYTES): Promise<Head> {
  const iterator: AsyncIterator<Buffer> = source[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let bytes = 0;
  for (let step = await iterator.next(); step.done !== true; step = await iterator.next()) {
    chunks.push(step.value);
    bytes += step.value.byteLength;
    if (bytes > limit) return { rest: Readable.from(chain(chunks, iterator), { objectMode: false }) };
  }
  return { whole: Buffer.concat(chunks, bytes) };
}

async function* chain(head: readonly Buffer[], iterator: AsyncIterator<Buffer>): AsyncIterable<Buffer> {
  try {
    yield* head;
    for (let step = await iterator.next(); step.done !== true; step = await iterator.next()) yield step.value;
  } finally {
    await iterator.return?.();
  }
}

export interface BufferLocation {
  readonly location: string;
  readonly hint: string;
}

/** The bytes of a small object as a stream, once checked; a stream that fails with CORRUPT_OBJECT if they do not match. */
export function verifiedBuffer(bytes: Buffer, digest: Digest, where: BufferLocation): Readable {
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual === digestHex(digest)) return Readable.from([bytes], { objectMode: false });
  const error = corruptObject(
    `Object ${digest} at ${where.location} is corrupt: its ${bytes.byteLength} bytes hash to sha256:${actual}.`,
    { hint: where.hint },
  );
  return failedStream(error);
}

/** A stream that fails with `error` as soon as it is read. */
export const failedStream = (error: Error): Readable =>
  new Readable({
    read() {
      this.destroy(error);
    },
  });

export interface Download {
  readonly digest: Digest;
  readonly size: number;
  readonly location: string;
}

/** The body of a GET; a body cut short fails with CORRUPT_OBJECT naming how much arrived. */
export async function* bodyChunks(body: IncomingMessage, download: Download): AsyncIterable<Buffer> {
  let received = 0;
  try {
    for await (const chunk of body) {
      received += (chunk as Buffer).byteLength;
      yield chunk as Buffer;
    }
  } catch (error) {
    const { digest, size, location } = download;
    const why = `the transfer ended after ${received} of ${size} bytes`;
    throw corruptObject(`Object ${digest} from ${location} is corrupt or was cut off: ${why}.`, {
      cause: error,
      hint: CORRUPT_HINT,
    });
  }
}

/** The digests of a listing, one per line. */
export async function* digestLines(body: IncomingMessage): AsyncIterable<Digest> {
  const decoder = new TextDecoder();
  let rest = '';
  for await (const chunk of body) {
    const lines = (rest + decoder.decode(chunk as Buffer, { stream: true })).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (isDigest(line)) yield line;
  }
  if (isDigest(rest)) yield rest;
}
