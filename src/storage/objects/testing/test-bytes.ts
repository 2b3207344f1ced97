import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Digest } from '../../../domain/digest.js';

export const MIB = 1024 * 1024;

/** Deterministic pseudo-random bytes (xorshift), so tests and child processes can regenerate the same content. */
export const patternBytes = (size: number, seed = 1): Buffer => {
  const bytes = Buffer.alloc(size);
  let state = seed >>> 0 || 1;
  for (let offset = 0; offset < size; offset += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[offset] = state & 0xff;
  }
  return bytes;
};

export const sha256Of = (bytes: Uint8Array): Digest => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** A byte stream of `bytes` in chunks of `chunkSize`, as a file or socket would deliver it. */
export const chunkedStream = (bytes: Buffer, chunkSize = 64 * 1024): Readable =>
  Readable.from(
    (function* chunks() {
      for (let offset = 0; offset < bytes.byteLength; offset += chunkSize) {
        yield bytes.subarray(offset, offset + chunkSize);
      }
    })(),
  );

/** A stream that yields `bytesBefore` bytes and then fails with `error`. */
export const failingStream = (bytesBefore: number, error: Error): Readable =>
  Readable.from(
    (async function* chunks() {
      yield patternBytes(bytesBefore, 7);
      await new Promise((resolve) => setTimeout(resolve, 5));
      throw error;
    })(),
  );

export const readAll = async (stream: Readable): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** Reads until the stream ends or fails; returns the bytes received before that and the error, if any. */
export const readUntilError = async (stream: Readable): Promise<{ received: number; error: unknown }> => {
  let received = 0;
  try {
    for await (const chunk of stream) received += (chunk as Buffer).byteLength;
    return { received, error: undefined };
  } catch (error) {
    return { received, error };
  }
};

/** The same bytes with one byte flipped at `offset`. */
export const flipByte = (bytes: Uint8Array, offset = 0): Buffer => {
  const copy = Buffer.from(bytes);
  copy[offset] = (copy[offset] ?? 0) ^ 0xff;
  return copy;
};

export const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
};

/** `count` chunks of 1 MiB (chunk i is patternBytes(MIB, i + 1)), with a pause before each and a callback after. */
export const slowPatternStream = (count: number, delayMs: number, onChunk: (index: number) => void = () => {}) =>
  Readable.from(
    (async function* chunks() {
      for (let index = 0; index < count; index += 1) {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        yield patternBytes(MIB, index + 1);
        onChunk(index);
      }
    })(),
  );
