import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseTree, type TreeEntry, treeSize } from '../../data/tree/tree.js';
import { type Digest, digestHex } from '../../domain/digest.js';
import { corruptObject, invalidParameter, isSlipwayError, notFound } from '../../domain/errors.js';
import { fsyncDirectory } from '../../lib/fsync-directory.js';
import { hashThrough } from '../../lib/hash-pass-through.js';
import { writeStreamToFile } from '../../lib/write-stream-to-file.js';
import type { ObjectStore } from '../../storage/objects/types.js';

export interface ModelCacheLimits {
  /** Bytes of the tree object itself. */
  readonly maxTreeBytes: number;
  readonly maxFiles: number;
  /** Bytes of all files of one model. */
  readonly maxModelBytes: number;
}

export const DEFAULT_MODEL_CACHE_LIMITS: ModelCacheLimits = {
  maxTreeBytes: 16 * 1024 * 1024,
  maxFiles: 10_000,
  maxModelBytes: 8 * 1024 ** 3,
};

export interface ModelCacheOptions {
  /** The cache folder; each model lands in `<root>/<digest hex>/`. */
  readonly root: string;
  /** Where model trees and their files are fetched from. */
  readonly store: ObjectStore;
  readonly limits?: Partial<ModelCacheLimits>;
}

const TEMP_PREFIX = '.fetch-';

/**
 * A local cache of model folders by tree digest. A model is fetched once, every file verified against its
 * digest and size, into a temp folder that is made read-only and renamed into place: `<root>/<hex>/` exists only
 * complete and verified. Concurrent fetches of one digest share one download in a process; across processes the
 * first rename wins and the others discard their copy.
 */
export class ModelCache {
  readonly root: string;
  readonly #store: ObjectStore;
  readonly #limits: ModelCacheLimits;
  readonly #inFlight = new Map<Digest, Promise<string>>();

  constructor(options: ModelCacheOptions) {
    this.root = options.root;
    this.#store = options.store;
    this.#limits = { ...DEFAULT_MODEL_CACHE_LIMITS, ...options.limits };
  }

  /** The folder a model has (or will have) in the cache. */
  folderOf(digest: Digest): string {
    return join(this.root, digestHex(digest));
  }

  /** The model folder for `digest`, fetched and verified first when it is not cached yet. */
  fetch(digest: Digest): Promise<string> {
    const running = this.#inFlight.get(digest);
    if (running !== undefined) return running;
    const started = this.#fetch(digest).finally(() => this.#inFlight.delete(digest));
    this.#inFlight.set(digest, started);
    return started;
  }

  /** Whether the model is in the cache (complete: a partial fetch is never under its digest). */
  async has(digest: Digest): Promise<boolean> {
    return (await stat(this.folderOf(digest)).catch(() => undefined))?.isDirectory() === true;
  }

  /** Removes a model from the cache (its folder is read-only; write access is restored first). */
  async remove(digest: Digest): Promise<void> {
    await removeTree(this.folderOf(digest));
  }

  async #fetch(digest: Digest): Promise<string> {
    const target = this.folderOf(digest);
    if (await this.has(digest)) return target;
    const entries = await this.#readTree(digest);
    await mkdir(this.root, { recursive: true });
    const temp = join(this.root, `${TEMP_PREFIX}${digestHex(digest).slice(0, 16)}-${randomBytes(6).toString('hex')}`);
    try {
      await mkdir(temp);
      for (const entry of entries) await this.#writeEntry(temp, entry);
      await makeReadOnly(temp, entries);
      await placeOrDiscard(temp, target);
    } catch (error) {
      await removeTree(temp);
      throw error;
    }
    return target;
  }

  async #readTree(digest: Digest): Promise<TreeEntry[]> {
    const info = await this.#store.stat(digest);
    if (info === undefined) {
      throw notFound(`The model tree ${digest} is not in ${this.#store.uri}.`, {
        hint: 'Check the model version digest, or push the model to this object store.',
      });
    }
    if (info.size > this.#limits.maxTreeBytes) {
      throw invalidParameter(
        `The model tree ${digest} is ${info.size} bytes; the limit is ${this.#limits.maxTreeBytes}.`,
      );
    }
    const chunks: Buffer[] = [];
    for await (const chunk of await this.#store.get(digest)) chunks.push(chunk as Buffer);
    const entries = parseTree(Buffer.concat(chunks).toString('utf8'), `${digest} (model tree)`);
    this.#checkLimits(digest, entries);
    return entries;
  }

  #checkLimits(digest: Digest, entries: readonly TreeEntry[]): void {
    if (entries.length > this.#limits.maxFiles) {
      throw invalidParameter(`The model ${digest} has ${entries.length} files; the limit is ${this.#limits.maxFiles}.`);
    }
    const size = treeSize(entries);
    if (size > this.#limits.maxModelBytes) {
      throw invalidParameter(`The model ${digest} is ${size} bytes; the limit is ${this.#limits.maxModelBytes}.`);
    }
  }

  /** Streams one file from the store, hashing it on the way: a wrong digest or size fails before the rename. */
  async #writeEntry(temp: string, entry: TreeEntry): Promise<void> {
    const file = join(temp, ...entry.path.split('/'));
    await mkdir(dirname(file), { recursive: true });
    const source = await this.#store.get(entry.digest).catch((error: unknown) => {
      if (isSlipwayError(error) && error.code === 'RESOURCE_DOES_NOT_EXIST') {
        throw notFound(`The model file ${entry.path} (${entry.digest}) is not in ${this.#store.uri}.`);
      }
      throw error;
    });
    const check = ({ hex, bytes }: { hex: string; bytes: number }) =>
      hex === digestHex(entry.digest) && bytes === entry.size
        ? undefined
        : corruptObject(
            `The model file ${entry.path} does not match its tree entry (${entry.digest}, ${entry.size} bytes).`,
            {
              hint: `The object store ${this.#store.uri} holds a corrupt copy; re-upload the model.`,
            },
          );
    await writeStreamToFile(hashThrough(source, { check }), file, { mode: 0o600 });
  }
}

/** Files 0o444 (0o555 when executable), then folders 0o555 deepest first; everything fsynced. */
async function makeReadOnly(temp: string, entries: readonly TreeEntry[]): Promise<void> {
  const folders = new Set<string>([temp]);
  for (const entry of entries) {
    const file = join(temp, ...entry.path.split('/'));
    await chmod(file, entry.mode === 0o755 ? 0o555 : 0o444);
    for (let folder = dirname(file); folder.length > temp.length; folder = dirname(folder)) folders.add(folder);
  }
  for (const folder of [...folders].sort((a, b) => b.length - a.length)) {
    await fsyncDirectory(folder);
    await chmod(folder, 0o555);
  }
}

/** Renames `temp` to `target`; when another fetch got there first, its copy stays and ours is discarded. */
async function placeOrDiscard(temp: string, target: string): Promise<void> {
  try {
    await rename(temp, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM') throw error;
    if (!(await stat(target).catch(() => undefined))?.isDirectory()) throw error;
    await removeTree(temp);
    return;
  }
  await fsyncDirectory(dirname(target));
}

/** Removes a folder tree even when it was made read-only (a cached model). */
export async function removeTree(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) return;
  if (info.isDirectory()) {
    await chmod(path, 0o755);
    for (const name of await readdir(path)) await removeTree(join(path, name));
  }
  await rm(path, { recursive: true, force: true });
}
