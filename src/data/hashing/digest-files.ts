import type { LinkMode } from '../../config/config-schema.js';
import type { Digest } from '../../domain/digest.js';
import { type StateEntry, type StateRow, trustedDigest } from '../state/state-index.js';
import type { Workspace } from '../workspace/workspace.js';
import type { ScannedFile } from './scan-directory.js';
import { workerError } from './worker-errors.js';

/** Files up to this size are read whole, hashed and written in one go; larger ones are copied while hashed. */
export const SMALL_FILE_BYTES = 4 * 1024 * 1024;
const BATCH_FILES = 256;
const BATCH_BYTES = 16 * 1024 * 1024;

export interface DigestedFile extends ScannedFile {
  readonly digest: Digest;
}

export interface DigestOptions {
  /** Also store each file as a cache object (and place links, in the link modes). */
  readonly store: boolean;
  readonly linkMode?: LinkMode;
  readonly onProgress?: (done: number, total: number) => void;
  /** The state index rows under the base, when the caller loaded them already (while the workers scanned). */
  readonly known?: Map<string, StateEntry>;
}

export interface DigestResult {
  /** In input order. */
  readonly files: DigestedFile[];
  /** Files actually read and hashed (the rest came from the state index). */
  readonly hashed: number;
  readonly hashedBytes: number;
  /** Objects written to the cache. */
  readonly stored: number;
}

/** The location of the files: their folder on disk and its workspace-relative path (`''` for the root). */
export interface FileBase {
  readonly abs: string;
  readonly rel: string;
}

interface WorkItem {
  readonly index: number;
  readonly abs: string;
  readonly path: string;
  readonly size: number;
  readonly known?: Digest;
}

interface WorkerResult extends ScannedFile {
  readonly digest: Digest;
  readonly hashed: boolean;
  readonly stored: boolean;
}

const joinRel = (base: string, path: string) => (base === '' ? path : path === '' ? base : `${base}/${path}`);

/**
 * The digest of every file, hashing only those the state index cannot vouch for (same inode, size and mtime as
 * when last hashed, and not racily close to it). With `store`, files become cache objects too. Newly hashed files
 * are recorded in the state index.
 */
export async function digestFiles(
  ws: Workspace,
  base: FileBase,
  files: readonly ScannedFile[],
  options: DigestOptions,
): Promise<DigestResult> {
  const state = await ws.state();
  const rows = options.known ?? state.load(base.rel);
  const digests: Array<Digest | undefined> = files.map(
    (file) => file.linkDigest ?? trustedDigest(rows.get(joinRel(base.rel, file.path)), file),
  );
  const work = workItems(base, files, digests, options.store);
  const started = Date.now();
  const results = await runBatches(ws, base, work, options);
  results.forEach((result, position) => {
    digests[(work[position] as WorkItem).index] = result.digest;
  });
  const out = files.map((file, index) => withDigest(file, digests[index] as Digest));
  const saved = results.map((result) => rowOf(base, result, started));
  state.save(saved);
  const hashedResults = results.filter((result) => result.hashed);
  return {
    files: out,
    hashed: hashedResults.length,
    hashedBytes: hashedResults.reduce((sum, result) => sum + result.size, 0),
    stored: results.filter((result) => result.stored).length,
  };
}

const withDigest = (file: ScannedFile, digest: Digest): DigestedFile =>
  file.linkDigest === undefined
    ? { path: file.path, size: file.size, stamp: file.stamp, mtimeMs: file.mtimeMs, exec: file.exec, digest }
    : { ...file, digest };

const rowOf = (base: FileBase, result: WorkerResult, hashedAtMs: number): StateRow => ({
  path: joinRel(base.rel, result.path),
  stamp: result.stamp,
  digest: result.digest,
  hashedAtMs,
});

/** Files to hand to the workers: unknown ones, and (when storing) known ones too, to check or place their object. */
function workItems(
  base: FileBase,
  files: readonly ScannedFile[],
  digests: ReadonlyArray<Digest | undefined>,
  store: boolean,
): WorkItem[] {
  const items: WorkItem[] = [];
  files.forEach((file, index) => {
    const known = digests[index];
    if (known !== undefined && (!store || file.linkDigest !== undefined)) return;
    const abs = file.path === '' ? base.abs : `${base.abs}/${file.path}`;
    items.push({ index, abs, path: file.path, size: file.size, ...(known === undefined ? {} : { known }) });
  });
  return items;
}

async function runBatches(
  ws: Workspace,
  base: FileBase,
  work: readonly WorkItem[],
  options: DigestOptions,
): Promise<WorkerResult[]> {
  const cache = { objects: ws.cache.objectsDir, tmp: ws.cache.tmpDir };
  const common = { cache, store: options.store, mode: options.linkMode ?? ws.linkMode, smallBytes: SMALL_FILE_BYTES };
  let done = 0;
  const label = (path: string | undefined) => (path === undefined ? base.rel : joinRel(base.rel, path));
  const batches = batchesOf(work);
  const results = await Promise.all(
    batches.map(async (batch) => {
      const items = batch.map(({ index: _index, ...item }) => item);
      const out = await ws
        .pool()
        .run<WorkerResult[]>('ingest', { ...common, items })
        .catch((error: unknown) => {
          throw workerError(error, label);
        });
      done += batch.length;
      options.onProgress?.(done, work.length);
      return out;
    }),
  );
  return results.flat();
}

/** Small files in batches (up to 256 files or 16 MiB), each large file on its own. */
function batchesOf(work: readonly WorkItem[]): WorkItem[][] {
  const batches: WorkItem[][] = [];
  let current: WorkItem[] = [];
  let bytes = 0;
  for (const item of work) {
    if (item.size > SMALL_FILE_BYTES) {
      batches.push([item]);
      continue;
    }
    current.push(item);
    bytes += item.size;
    if (current.length >= BATCH_FILES || bytes >= BATCH_BYTES) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
