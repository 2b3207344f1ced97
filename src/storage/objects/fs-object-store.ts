import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Digest } from '../../domain/digest.js';
import { corruptObject, notFound } from '../../domain/errors.js';
import { fsyncDirectory } from '../../lib/fsync-directory.js';
import { hashThrough, ONE_MIB } from '../../lib/hash-pass-through.js';
import { mapConcurrent } from '../../lib/map-concurrent.js';
import { removeStaleFiles } from '../../lib/remove-stale-files.js';
import { writeStreamToFile } from '../../lib/write-stream-to-file.js';
import { FsBatchWorker } from './fs-batch-worker.js';
import { fsError, isMissingFile } from './fs-errors.js';
import { fsRootFromUri, prepareFsRoot } from './fs-root.js';
import { assertExpectedDigest, hashAndCheck, objectInfoOf, unexpectedDigest } from './object-digest.js';
import { digestFromParts, OBJECTS_DIR, objectRelativePath, TEMP_DIR, uniqueDigests } from './object-layout.js';
import type {
  BatchReadResult,
  BatchWriteResult,
  ObjectBatches,
  ObjectBytes,
  ObjectInfo,
  ObjectStore,
  ObjectStoreFactory,
  PutOptions,
} from './types.js';
import { verifyObjectStream } from './verify-object-stream.js';

/** Temp files older than this are leftovers of killed writers; they are removed when a store is opened. */
export const STALE_TEMP_AGE_MS = 24 * 60 * 60 * 1000;
const STAT_CONCURRENCY = 32;
/** Existence checks of more digests than this run in the batch worker (folder listings instead of a stat each). */
const WORKER_MISSING_MIN = 64;

type WorkerRead =
  | { status: 'ok'; offset: number; size: number }
  | { status: 'large'; size: number }
  | { status: 'absent' }
  | { status: 'corrupt'; size: number; actual: string };
type WorkerWrite = { status: 'ok'; size: number } | { status: 'mismatch'; size: number; actual: string };

/**
 * A content-addressed store in a local folder: `<root>/objects/sha256/ab/cdef…`, read-only files. Writers stage
 * bytes in `<root>/tmp/` (same file system) while hashing them, fsync, then rename into place, so an object
 * path only ever holds complete bytes; a killed writer leaves at most a file in `tmp/`.
 */
export const createFsObjectStore: ObjectStoreFactory = async (uri) => {
  const root = fsRootFromUri(uri);
  await prepareFsRoot(root);
  await removeStaleFiles(join(root, TEMP_DIR), STALE_TEMP_AGE_MS);
  return new FsObjectStore(uri, root);
};

class FsObjectStore implements ObjectStore, ObjectBatches {
  readonly uri: string;
  readonly #root: string;
  readonly #worker = new FsBatchWorker();

  constructor(uri: string, root: string) {
    this.uri = uri;
    this.#root = root;
  }

  async has(digest: Digest): Promise<boolean> {
    return (await this.stat(digest)) !== undefined;
  }

  async stat(digest: Digest): Promise<ObjectInfo | undefined> {
    const path = this.#path(digest);
    try {
      const info = await stat(path);
      return info.isFile() ? { digest, size: info.size } : undefined;
    } catch (error) {
      if (isMissingFile(error)) return undefined;
      throw fsError(error, path, 'reading');
    }
  }

  async get(digest: Digest): Promise<Readable> {
    const path = this.#path(digest);
    const handle = await open(path, 'r').catch((error) => {
      if (!isMissingFile(error)) throw fsError(error, path, 'reading');
      throw this.#absent(digest);
    });
    const where = { location: path, hint: corruptHint(path) };
    return verifyObjectStream(handle.createReadStream({ highWaterMark: ONE_MIB }), digest, where);
  }

  async put(body: Readable, options: PutOptions = {}): Promise<ObjectInfo> {
    const expected = options.expectedDigest;
    if (expected !== undefined && (await this.has(expected))) return hashAndCheck(body, expected);
    const hasher = hashThrough(body);
    const temp = join(this.#root, TEMP_DIR, `${randomUUID()}.tmp`);
    try {
      await this.#makeTempDir();
      await writeStreamToFile(hasher, temp, { mode: 0o444 });
      const info = objectInfoOf(hasher.result());
      assertExpectedDigest(info, expected);
      await this.#publish(temp, info);
      return info;
    } catch (error) {
      throw this.#ownError(error) ? fsError(error, temp, 'writing') : error;
    } finally {
      hasher.destroy();
      await rm(temp, { force: true });
    }
  }

  async *list(): AsyncIterable<Digest> {
    const objects = join(this.#root, OBJECTS_DIR);
    for (const fanOut of (await this.#readdir(objects)).sort()) {
      for (const name of await this.#readdir(join(objects, fanOut))) {
        const digest = digestFromParts(fanOut, name);
        if (digest !== undefined) yield digest;
      }
    }
  }

  async delete(digest: Digest): Promise<void> {
    const path = this.#path(digest);
    await rm(path, { force: true }).catch((error) => {
      throw fsError(error, path, 'deleting');
    });
  }

  async missing(digests: readonly Digest[]): Promise<Digest[]> {
    const unique = uniqueDigests(digests);
    if (unique.length > WORKER_MISSING_MIN) {
      return this.#worker.run<Digest[]>('missing', { root: this.#root, digests: unique }).catch((error) => {
        throw fsError(error, (error as { path?: string }).path ?? this.#root, 'reading');
      });
    }
    const present = await mapConcurrent(unique, STAT_CONCURRENCY, (digest) => this.has(digest));
    return unique.filter((_, index) => !present[index]);
  }

  async readMany(digests: readonly Digest[], maxObjectBytes: number): Promise<BatchReadResult[]> {
    const args = { root: this.#root, digests, max: maxObjectBytes };
    const answer = await this.#worker
      .run<{ results: WorkerRead[]; buffer: ArrayBuffer }>('read', args)
      .catch((error) => {
        throw fsError(error, (error as { path?: string }).path ?? this.#root, 'reading');
      });
    return answer.results.map((result, index) => this.#readResult(digests[index] as Digest, result, answer.buffer));
  }

  async writeMany(objects: readonly ObjectBytes[]): Promise<BatchWriteResult[]> {
    if (objects.length === 0) return [];
    const { buffer, entries } = packed(objects);
    const args = { root: this.#root, objects: entries, buffer };
    const answer = await this.#worker.run<{ results: WorkerWrite[] }>('write', args, [buffer]).catch((error) => {
      throw fsError(error, (error as { path?: string }).path ?? this.#root, 'writing');
    });
    return answer.results.map((result, index) => {
      const digest = (objects[index] as ObjectBytes).digest;
      if (result.status === 'ok') return { digest, size: result.size };
      const actual = objectInfoOf({ hex: result.actual, bytes: result.size });
      return { digest, error: unexpectedDigest(actual, digest) };
    });
  }

  async close(): Promise<void> {
    await this.#worker.close();
  }

  #readResult(digest: Digest, result: WorkerRead, buffer: ArrayBuffer): BatchReadResult {
    switch (result.status) {
      case 'ok':
        return { digest, bytes: Buffer.from(buffer, result.offset, result.size) };
      case 'large':
        return { digest, large: true };
      case 'absent':
        return { digest, error: this.#absent(digest) };
      case 'corrupt': {
        const path = this.#path(digest);
        const message = `Object ${digest} at ${path} is corrupt: its ${result.size} bytes hash to sha256:${result.actual}.`;
        return { digest, error: corruptObject(message, { hint: corruptHint(path) }) };
      }
    }
  }

  #absent(digest: Digest) {
    return notFound(`Object ${digest} is not in the object store at ${this.#root}.`, {
      hint: 'Push it from a store or workspace that has it, or check that the digest is right.',
    });
  }

  #path(digest: Digest): string {
    return join(this.#root, objectRelativePath(digest));
  }

  async #makeTempDir(): Promise<void> {
    const directory = join(this.#root, TEMP_DIR);
    await mkdir(directory, { recursive: true }).catch((error) => {
      throw fsError(error, directory, 'creating');
    });
  }

  /** Renames a complete, fsynced temp file to its object path, unless an intact copy is already there. */
  async #publish(temp: string, info: ObjectInfo): Promise<void> {
    const path = this.#path(info.digest);
    const existing = await stat(path).catch(() => undefined);
    if (existing?.size === info.size) return;
    const created = await mkdir(dirname(path), { recursive: true });
    await rename(temp, path);
    await fsyncDirectory(dirname(path));
    if (created !== undefined) await this.#fsyncObjectParents();
  }

  async #fsyncObjectParents(): Promise<void> {
    const objects = join(this.#root, OBJECTS_DIR);
    for (const directory of [objects, dirname(objects), this.#root]) await fsyncDirectory(directory);
  }

  /** Whether a file-system error concerns this store's files (not, say, the file the caller streams from). */
  #ownError(error: unknown): boolean {
    const path = (error as NodeJS.ErrnoException | undefined)?.path;
    return path === undefined || path.startsWith(this.#root);
  }

  async #readdir(directory: string): Promise<string[]> {
    try {
      return await readdir(directory);
    } catch (error) {
      if (isMissingFile(error)) return [];
      throw fsError(error, directory, 'reading');
    }
  }
}

const corruptHint = (path: string) =>
  `Delete the corrupt copy (rm -f '${path}') and push the object again from a good copy.`;

/** The objects' bytes in one buffer (transferred to the worker, not copied) and where each one is in it. */
function packed(objects: readonly ObjectBytes[]) {
  let total = 0;
  for (const object of objects) total += object.bytes.byteLength;
  const all = Buffer.allocUnsafeSlow(total);
  const entries: Array<[Digest, number, number]> = [];
  let offset = 0;
  for (const { digest, bytes } of objects) {
    all.set(bytes, offset);
    entries.push([digest, offset, bytes.byteLength]);
    offset += bytes.byteLength;
  }
  return { buffer: all.buffer as ArrayBuffer, entries };
}
