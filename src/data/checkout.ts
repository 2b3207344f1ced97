import { mkdir, readdir, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import type { LinkMode } from '../config/config-schema.js';
import type { Digest } from '../domain/digest.js';
import { invalidParameter, notFound, SlipwayError } from '../domain/errors.js';
import { fsyncDirectory } from '../lib/fsync-directory.js';
import { mapConcurrent } from '../lib/map-concurrent.js';
import { missingObjects } from './cache/missing-objects.js';
import type { DigestedFile } from './hashing/digest-files.js';
import { selectTracked, type Tracked } from './pointer/tracked.js';
import type { ProgressListener } from './progress.js';
import { type StateRow, stampOf } from './state/state-index.js';
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

/** The work for one tracked item; paths are workspace-relative. */
interface Plan {
  readonly item: Tracked;
  readonly writes: Array<{ path: string; digest: Digest; mode: FileMode }>;
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
    const plans = await Promise.all(selections.map(({ tracked }) => planCheckout(ws, tracked)));
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

async function planCheckout(ws: Workspace, item: Tracked): Promise<Plan> {
  const wanted: TreeEntry[] = item.directory
    ? await readTree(ws.cache.store, item.pointer.digest, item.data.rel)
    : [{ path: '', digest: item.pointer.digest, size: item.pointer.size, mode: 0o644 }];
  const current = await currentFiles(ws, item.data);
  const shapeChanged =
    (item.directory ? current.kind === 'file' : current.kind === 'directory') || current.kind === 'other';
  const present = shapeChanged ? [] : current.files;
  const removes = shapeChanged
    ? [{ path: item.data.rel, digest: current.kind === 'file' ? current.files[0]?.digest : undefined }]
    : [];
  const listed = new Set(wanted.map((entry) => entry.path));
  for (const file of present) {
    if (!listed.has(file.path)) removes.push({ path: inner(item, file.path), digest: file.digest });
  }
  const { writes, overwrites, unchanged } = compareWanted(item, wanted, present);
  const temps = item.directory ? current.temps.map((temp) => inner(item, temp)) : await siblingTemps(item);
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
    writes.push({ path: inner(item, entry.path), digest: entry.digest, mode: entry.mode });
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
  const abs = (path: string) => join(ws.root, ...path.split('/'));
  const writing = new Set(plan.writes.map((write) => write.path));
  const doomed = plan.removes.filter((remove) => !writing.has(remove.path)).map((remove) => remove.path);
  for (const path of [...plan.temps, ...doomed]) await rm(abs(path), { recursive: true, force: true });
  await removeEmptyFolders(plan.item, doomed.map(abs));
  result.removed.push(...doomed);
  result.unchanged += plan.unchanged;
  const folders = new Set<string>();
  const rows: StateRow[] = [];
  const started = Date.now();
  let done = 0;
  await mapConcurrent(plan.writes, 8, async (write) => {
    const target = abs(write.path);
    await mkdir(dirname(target), { recursive: true });
    await refuseFolderAt(target, write.path);
    await materialize(ws, write.digest, target, write.mode, linkMode);
    folders.add(dirname(target));
    const info = await lstatOrUndefined(target);
    if (info !== undefined && !info.isSymbolicLink()) {
      rows.push({
        path: write.path,
        stamp: stampOf(info),
        digest: write.digest,
        hashedAtMs: started,
      });
    }
    onProgress?.({ phase: `checking out ${plan.item.data.rel}`, done: ++done, total: plan.writes.length });
  });
  for (const folder of folders) await fsyncDirectory(folder);
  (await ws.state()).save(rows);
  result.written.push(...plan.writes.map((write) => write.path));
}

async function refuseFolderAt(target: string, path: string): Promise<void> {
  const info = await lstatOrUndefined(target);
  if (info?.isDirectory()) {
    throw invalidParameter(
      `${path} is a folder in the workspace but a file in the pointer; nothing was written there.`,
      {
        hint: 'Move the folder away and run `slipway checkout` again.',
      },
    );
  }
}

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
