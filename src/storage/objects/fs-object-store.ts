import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Digest } from '../../domain/digest.js';
import { notFound } from '../../domain/errors.js';
import { fsyncDirectory } from '../../lib/fsync-directory.js';
import { hashThrough, ONE_MIB } from '../../lib/hash-pass-through.js';
import { mapConcurrent } from '../../lib/map-concurrent.js';
import { removeStaleFiles } from '../../lib/remove-stale-files.js';
import { writeStreamToFile } from '../../lib/write-stream-to-file.js';
import { fsError, isMissingFile } from './fs-errors.js';
import { fsRootFromUri, prepareFsRoot } from './fs-root.js';
import { assertExpectedDigest, hashAndCheck, objectInfoOf } from './object-digest.js';
import { digestFromParts, OBJECTS_DIR, objectRelativePath, TEMP_DIR, uniqueDigests } from './object-layout.js';
import type { ObjectInfo, ObjectStore, ObjectStoreFactory, PutOptions } from './types.js';
import { verifyObjectStream } from './verify-object-stream.js';

/** Temp files older than this are leftovers of killed writers; they are removed when a store is opened. */
export const STALE_TEMP_AGE_MS = 24 * 60 * 60 * 1000;
const STAT_CONCURRENCY = 32;

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

class FsObjectStore implements ObjectStore {
  readonly uri: string;
  readonly #root: string;

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
      throw notFound(`Object ${digest} is not in the object store at ${this.#root}.`, {
        hint: 'Push it from a store or workspace that has it, or check that the digest is right.',
      });
    });
    const hint = `Delete the corrupt copy (rm -f '${path}') and push the object again from a good copy.`;
    return verifyObjectStream(handle.createReadStream({ highWaterMark: ONE_MIB }), digest, { location: path, hint });
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
    const present = await mapConcurrent(unique, STAT_CONCURRENCY, (digest) => this.has(digest));
    return unique.filter((_, index) => !present[index]);
  }

  async close(): Promise<void> {}

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
