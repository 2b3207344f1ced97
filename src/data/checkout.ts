import { mkdir, readdir, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join, posix, relative, sep } from 'node:path';
import type { LinkMode } from '../config/config-schema.js';
import type { Digest } from '../domain/digest.js';
import { corruptObject, invalidParameter, notFound, SlipwayError } from '../domain/errors.js';
import { mapConcurrent } from '../lib/map-concurrent.js';
import { missingObjects } from './cache/missing-objects.js';
import { type DigestedFile, SMALL_FILE_BYTES } from './hashing/digest-files.js';
import { WorkerTaskError } from './hashing/hash-pool.js';
import { workerError } from './hashing/worker-errors.js';
import { type Selection, selectTracked, type Tracked } from './pointer/tracked.js';
import type { ProgressListener } from './progress.js';
import { type StateRow, stampOf } from './state/state-index.js';
import { isSameOrInside } from './tree/relative-path.js';
import type { FileMode, TreeEntry } from './tree/tree.js';
import { PULL_HINT, readTree } from './tree/tree-store.js';
import { currentFiles } from './workspace/current-files.js';
import { materialize, TEMP_NAME } from './workspace/materialize.js';
import type { Workspace } from './workspace/workspace.js';
import { acquireWorkspaceLock } from './workspace/workspace-lock.js';
import { lstatOrUndefined } from './workspace/workspace-paths.js';

export interface CheckoutInput {
  readonly cwd: string;
  readonly targets?: readonly string[];
  /** Overwrite and delete local changes that are not in the cache. */
  readonly force?: boolean;
  readonly linkMode?: LinkMode;
  readonly onProgress?: ProgressListener;
}

export interface CheckoutResult {
  /** Workspace-relative paths written. */
  readonly written: string[];
  /** Workspace-relative paths removed (files a tracked directory no longer lists). */
  readonly removed: string[];
  /** Files already as the pointers say. */
  readonly unchanged: number;
}

interface Write {
  readonly path: string;
  readonly digest: Digest;
  readonly size: number;
  readonly mode: FileMode;
}

/** The work for one tracked item; paths are workspace-relative. */
interface Plan {
  readonly item: Tracked;
  readonly writes: Write[];
  readonly removes: Array<{ path: string; digest: Digest | undefined }>;
  readonly temps: string[];
  readonly unchanged: number;
}

/**
 * `slipway checkout`: makes the workspace match the pointer files (e.g. after `git checkout` of another revision).
 * Every file is replaced atomically. Files whose current content is not in the cache (local changes that would be
 * lost) are named and left alone unless `force`; objects missing from the cache are named before anything changes.
 */
export async function checkoutWorkspace(ws: Workspace, input: CheckoutInput): Promise<CheckoutResult> {
  const lock = await acquireWorkspaceLock(ws.dotDir, `slipway checkout ${(input.targets ?? []).join(' ')}`.trim());
  try {
    const selections = await selectTracked(ws, input.cwd, input.targets ?? []);
    const plans = await Promise.all(selections.map((selection) => planCheckout(ws, selection)));
    await refuseMissingObjects(ws, plans);
    if (input.force !== true) await refuseLocalChanges(ws, plans);
    const linkMode = input.linkMode ?? ws.linkMode;
    const result = { written: [] as string[], removed: [] as string[], unchanged: 0 };
    for (const plan of plans) await execute(ws, plan, linkMode, result, input.onProgress);
    return result;
  } finally {
    await lock.release();
  }
}

const inner = (item: Tracked, path: string) => (path === '' ? item.data.rel : `${item.data.rel}/${path}`);

const joinInner = (a: string, b: string) => (a === '' ? b : b === '' ? a : `${a}/${b}`);

/** What a selection covers: the whole tracked item, or a file or folder inside a tracked directory. */
function scopeOf(item: Tracked, wanted: readonly TreeEntry[], within: string | undefined) {
  if (within === undefined) return { path: '', data: item.data, directory: item.directory };
  const data = { abs: join(item.data.abs, ...within.split('/')), rel: `${item.data.rel}/${within}` };
  return { path: within, data, directory: !wanted.some((entry) => entry.path === within) };
}

async function wantedEntries(ws: Workspace, item: Tracked, within: string | undefined): Promise<TreeEntry[]> {
  if (!item.directory) return [{ path: '', digest: item.pointer.digest, size: item.pointer.size, mode: 0o644 }];
  const tree = await readTree(ws.cache.store, item.pointer.digest, item.data.rel);
  if (within === undefined) return tree;
  const wanted = tree.filter((entry) => isSameOrInside(entry.path, within));
  if (wanted.length > 0) return wanted;
  throw notFound(`${item.data.rel}/${within} is not in the tracked directory ${item.data.rel} (${item.pointerPath}).`, {
    hint: '`slipway ls` lists the files of a tracked directory.',
  });
}

async function planCheckout(ws: Workspace, { tracked: item, inner: within }: Selection): Promise<Plan> {
  const wanted = await wantedEntries(ws, item, within);
  const scope = scopeOf(item, wanted, within);
  const current = await currentFiles(ws, scope.data);
  const shapeChanged =
    (scope.directory ? current.kind === 'file' : current.kind === 'directory') || current.kind === 'other';
  const present = shapeChanged
    ? []
    : current.files.map((file) => ({ ...file, path: joinInner(scope.path, file.path) }));
  const removes = shapeChanged
    ? [{ path: scope.data.rel, digest: current.kind === 'file' ? current.files[0]?.digest : undefined }]
    : [];
  const listed = new Set(wanted.map((entry) => entry.path));
  for (const file of present) {
    if (!listed.has(file.path)) removes.push({ path: inner(item, file.path), digest: file.digest });
  }
  const { writes, overwrites, unchanged } = compareWanted(item, wanted, present);
  const temps = !item.directory
    ? await siblingTemps(item)
    : current.temps.map((temp) => inner(item, joinInner(scope.path, temp)));
  return { item, writes, removes: [...removes, ...overwrites], temps, unchanged };
}

/** Temp files a killed checkout of a tracked file left beside it. */
async function siblingTemps(item: Tracked): Promise<string[]> {
  const prefix = `.${basename(item.data.abs)}.slipway-tmp-`;
  const names = await readdir(dirname(item.data.abs)).catch(() => [] as string[]);
  const parent = posix.dirname(item.data.rel);
  return names
    .filter((name) => name.startsWith(prefix) && TEMP_NAME.test(name))
    .map((name) => (parent === '.' ? name : `${parent}/${name}`));
}

/** Which wanted files differ from what is present (to write), and which present files they replace. */
function compareWanted(item: Tracked, wanted: readonly TreeEntry[], present: readonly DigestedFile[]) {
  const now = new Map(present.map((file) => [file.path, file.digest]));
  const writes: Plan['writes'] = [];
  const overwrites: Plan['removes'] = [];
  let unchanged = 0;
  for (const entry of wanted) {
    const digest = now.get(entry.path);
    if (digest === entry.digest) {
      unchanged += 1;
      continue;
    }
    writes.push({ path: inner(item, entry.path), digest: entry.digest, size: entry.size, mode: entry.mode });
    if (digest !== undefined) overwrites.push({ path: inner(item, entry.path), digest });
  }
  return { writes, overwrites, unchanged };
}

async function refuseMissingObjects(ws: Workspace, plans: readonly Plan[]): Promise<void> {
  const writes = plans.flatMap((plan) => plan.writes);
  const missing = await missingObjects(
    ws,
    writes.map((write) => write.digest),
  );
  const files = writes.filter((write) => missing.has(write.digest)).map((write) => write.path);
  if (files.length === 0) return;
  throw notFound(`${files.length} file(s) are not in the cache: ${listOf(files)}. Nothing was changed.`, {
    hint: PULL_HINT,
  });
}

/** Files to overwrite or delete whose current content is nowhere in the cache: local changes. */
async function refuseLocalChanges(ws: Workspace, plans: readonly Plan[]): Promise<void> {
  const removes = plans.flatMap((plan) => plan.removes);
  const missing = await missingObjects(
    ws,
    removes.flatMap((r) => (r.digest === undefined ? [] : [r.digest])),
  );
  const changed = removes.filter((r) => r.digest === undefined || missing.has(r.digest)).map((r) => r.path);
  if (changed.length === 0) return;
  throw new SlipwayError(
    'RESOURCE_CONFLICT',
    `Local changes would be lost in ${listOf(changed)}. Nothing was changed.`,
    {
      hint: 'Record them with `slipway add`, move them away, or run `slipway checkout --force` to discard them.',
    },
  );
}

const listOf = (paths: readonly string[]) =>
  paths.length <= 10 ? paths.join(', ') : `${paths.slice(0, 10).join(', ')} and ${paths.length - 10} more`;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

async function execute(
  ws: Workspace,
  plan: Plan,
  linkMode: LinkMode,
  result: Mutable<CheckoutResult>,
  onProgress?: ProgressListener,
) {
  const abs = (path: string) => absOf(ws, path);
  const writing = new Set(plan.writes.map((write) => write.path));
  const doomed = plan.removes.filter((remove) => !writing.has(remove.path)).map((remove) => remove.path);
  for (const path of [...plan.temps, ...doomed]) await rm(abs(path), { recursive: true, force: true });
  await removeEmptyFolders(plan.item, doomed.map(abs));
  result.removed.push(...doomed);
  result.unchanged += plan.unchanged;
  const progress = (done: number) =>
    onProgress?.({ phase: `checking out ${plan.item.data.rel}`, done, total: plan.writes.length });
  const batched = linkMode === 'copy' ? plan.writes.filter((write) => write.size <= SMALL_FILE_BYTES) : [];
  const single = batched.length === 0 ? plan.writes : plan.writes.filter((write) => write.size > SMALL_FILE_BYTES);
  const rows = [
    ...(await writeBatches(ws, batched, progress)),
    ...(await writeSingly(ws, single, linkMode, (done) => progress(batched.length + done))),
  ];
  (await ws.state()).save(rows);
  result.written.push(...plan.writes.map((write) => write.path));
}

const absOf = (ws: Workspace, path: string) => join(ws.root, ...path.split('/'));

/** Small files in copy mode: written by the hashing workers, many per task (see `materialize` in worker-source). */
async function writeBatches(ws: Workspace, writes: readonly Write[], progress: (done: number) => void) {
  const cache = { objects: ws.cache.objectsDir, tmp: ws.cache.tmpDir };
  const started = Date.now();
  let done = 0;
  const placed = await Promise.all(
    batchesOf(writes).map(async (batch) => {
      const items = batch.map((write) => ({ ...write, abs: absOf(ws, write.path) }));
      const files = await ws
        .pool()
        .run<Array<{ stamp: string }>>('materialize', { cache, items })
        .catch((error: unknown) => {
          throw checkoutError(ws, error);
        });
      done += batch.length;
      progress(done);
      return files.map(({ stamp }, index): StateRow => {
        const { path, digest } = batch[index] as Write;
        return { path, stamp, digest, hashedAtMs: started };
      });
    }),
  );
  return placed.flat();
}

/** Up to 256 files or 16 MiB per worker task. */
function batchesOf(writes: readonly Write[]): Write[][] {
  const batches: Write[][] = [];
  let current: Write[] = [];
  let bytes = 0;
  for (const write of writes) {
    current.push(write);
    bytes += write.size;
    if (current.length < 256 && bytes < 16 * 1024 * 1024) continue;
    batches.push(current);
    current = [];
    bytes = 0;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function checkoutError(ws: Workspace, error: unknown): unknown {
  const failure = error instanceof WorkerTaskError ? error.failure : undefined;
  const rel = (path: string | undefined) =>
    path === undefined ? 'a file' : relative(ws.root, path).split(sep).join('/');
  if (failure?.kind === 'folder') return folderInTheWay(rel(failure.path));
  if (failure?.kind === 'corrupt') {
    return corruptObject(`The cache object ${failure.path} is corrupt; nothing was written from it.`, {
      hint: 'Delete it (rm -f that file) and run `slipway pull` to fetch a good copy, then check out again.',
    });
  }
  return workerError(error, rel);
}

/** Large files and the link modes: one at a time through materialize(), 8 at once. */
async function writeSingly(ws: Workspace, writes: readonly Write[], linkMode: LinkMode, progress: (n: number) => void) {
  const rows: StateRow[] = [];
  const started = Date.now();
  let done = 0;
  await mapConcurrent(writes, 8, async (write) => {
    const target = absOf(ws, write.path);
    await mkdir(dirname(target), { recursive: true });
    await refuseFolderAt(target, write.path);
    await materialize(ws, write.digest, target, write.mode, linkMode);
    const info = await lstatOrUndefined(target);
    if (info !== undefined && !info.isSymbolicLink()) {
      rows.push({ path: write.path, stamp: stampOf(info), digest: write.digest, hashedAtMs: started });
    }
    progress(++done);
  });
  return rows;
}

async function refuseFolderAt(target: string, path: string): Promise<void> {
  const info = await lstatOrUndefined(target);
  if (info?.isDirectory()) throw folderInTheWay(path);
}

const folderInTheWay = (path: string) =>
  invalidParameter(`${path} is a folder in the workspace but a file in the pointer; nothing was written there.`, {
    hint: 'Move the folder away and run `slipway checkout` again.',
  });

/** Removes folders inside a tracked directory that deletions left empty (never the tracked directory's parent). */
async function removeEmptyFolders(item: Tracked, removed: readonly string[]): Promise<void> {
  const stop = item.directory ? item.data.abs : dirname(item.data.abs);
  const folders = [...new Set(removed.map((path) => dirname(path)))].sort((a, b) => b.length - a.length);
  for (const start of folders) {
    for (let folder = start; folder.startsWith(`${stop}/`); folder = dirname(folder)) {
      if (
        !(await rmdir(folder).then(
          () => true,
          () => false,
        ))
      )
        break;
    }
  }
}
