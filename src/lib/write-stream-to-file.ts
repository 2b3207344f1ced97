import type { FileHandle } from 'node:fs/promises';
import { open, rm } from 'node:fs/promises';
import { ONE_MIB } from './hash-pass-through.js';

export interface WriteStreamToFileOptions {
  /** File mode of the new file; default 0o600. */
  readonly mode?: number;
  /** Bytes gathered before each write; default 1 MiB. */
  readonly batchBytes?: number;
  /** Bytes written between background flushes to disk (0: flush only at the end); default 16 MiB. */
  readonly flushBytes?: number;
}

const MAX_BATCH_CHUNKS = 1024;

/**
 * Writes every chunk of `source` to a new file at `path` (which must not exist), then fsyncs it. Chunks are
 * gathered into ~1 MiB vectored writes with one write in flight while the next batch is read, so a hashing
 * source and the disk work in parallel; every 16 MiB a background fdatasync starts, so the disk writes while
 * the source is still being read instead of all at the final fsync. On any error the file is removed and the
 * error rethrown. Returns the number of bytes written.
 */
export const writeStreamToFile = async (
  source: AsyncIterable<Uint8Array>,
  path: string,
  options: WriteStreamToFileOptions = {},
): Promise<number> => {
  const handle = await open(path, 'wx', options.mode ?? 0o600);
  try {
    const writer = new PipelinedWriter(handle, options.flushBytes ?? 16 * ONE_MIB);
    const bytes = await writeBatches(source, writer, options.batchBytes ?? ONE_MIB);
    await handle.sync();
    await handle.close();
    return bytes;
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(path, { force: true });
    throw error;
  }
};

const writeBatches = async (source: AsyncIterable<Uint8Array>, writer: PipelinedWriter, batchBytes: number) => {
  let batch: Uint8Array[] = [];
  let pending = 0;
  for await (const chunk of source) {
    batch.push(chunk);
    pending += chunk.byteLength;
    if (pending < batchBytes && batch.length < MAX_BATCH_CHUNKS) continue;
    await writer.write(batch, pending);
    batch = [];
    pending = 0;
  }
  if (batch.length > 0) await writer.write(batch, pending);
  return writer.finish();
};

/** Keeps one write and one flush in flight; their failures surface at the next call, never as unhandled. */
class PipelinedWriter {
  readonly #handle: FileHandle;
  readonly #flushBytes: number;
  #write: Promise<unknown> = Promise.resolve();
  #flush: Promise<unknown> = Promise.resolve();
  #unflushed = 0;
  #total = 0;

  constructor(handle: FileHandle, flushBytes: number) {
    this.#handle = handle;
    this.#flushBytes = flushBytes;
  }

  async write(batch: Uint8Array[], bytes: number): Promise<void> {
    await this.#write;
    this.#write = observed(this.#handle.writev(batch));
    this.#total += bytes;
    this.#unflushed += bytes;
    if (this.#flushBytes === 0 || this.#unflushed < this.#flushBytes) return;
    await this.#flush;
    this.#flush = observed(this.#handle.datasync());
    this.#unflushed = 0;
  }

  async finish(): Promise<number> {
    await this.#write;
    await this.#flush;
    return this.#total;
  }
}

/** Marks a promise as handled (its failure is observed when awaited later) and returns it. */
const observed = <T>(promise: Promise<T>): Promise<T> => {
  promise.catch(() => {});
  return promise;
};
