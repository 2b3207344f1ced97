import { Readable } from 'node:stream';
import type { Digest } from '../../../domain/digest.js';
import { isSlipwayError } from '../../../domain/errors.js';
import type { ObjectInfo } from '../../../storage/objects/types.js';
import { clientSafeError, objectNotFound } from './client-safe-error.js';
import type { ObjectApiDeps } from './object-api-deps.js';
import { statObject } from './stat-object.js';

/** Objects up to this size are read (and verified) whole before the reply: one write, and errors before headers. */
export const WHOLE_READ_BYTES = 1024 * 1024;

export interface ObjectDownload {
  readonly info: ObjectInfo;
  /**
   * The verified bytes: whole for a small object, else a stream past its first check, so a missing object (or a
   * small corrupt one) fails before a reply.
   */
  readonly body: Readable | Buffer;
}

async function readWhole(deps: ObjectApiDeps, digest: Digest, size: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await deps.objects.get(digest)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks, size);
}

async function* translated(iterator: AsyncIterator<Buffer>, first: IteratorResult<Buffer>, digest: Digest) {
  try {
    for (let step = first; step.done !== true; step = await iterator.next()) yield step.value;
  } catch (error) {
    throw clientSafeError(error, digest);
  } finally {
    await iterator.return?.();
  }
}

async function openFirstChunk(deps: ObjectApiDeps, digest: Digest): Promise<Readable> {
  const source = await deps.objects.get(digest);
  const iterator: AsyncIterator<Buffer> = source[Symbol.asyncIterator]();
  const first = await iterator.next().catch((error: unknown) => {
    source.destroy();
    throw error;
  });
  return Readable.from(translated(iterator, first, digest), { objectMode: false });
}

/**
 * Streams an object the server holds, verified against its digest while it flows (the store holds the last
 * chunk back until the whole object has been hashed, so corrupt bytes never arrive complete).
 */
export async function readObject(deps: ObjectApiDeps, digest: Digest): Promise<ObjectDownload> {
  const info = await statObject(deps, digest);
  try {
    const body =
      info.size <= WHOLE_READ_BYTES ? await readWhole(deps, digest, info.size) : await openFirstChunk(deps, digest);
    return { info, body };
  } catch (error) {
    if (isSlipwayError(error) && error.code === 'RESOURCE_DOES_NOT_EXIST') throw objectNotFound(digest);
    throw clientSafeError(error, digest);
  }
}
