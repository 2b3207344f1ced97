import { createReadStream } from 'node:fs';
import { lstat, mkdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { addLocked } from '../data/add.js';
import { pointerPathFor, writePointerFile } from '../data/pointer/pointer-file.js';
import { tryReadTree } from '../data/tree/tree-store.js';
import { ensureIgnored } from '../data/workspace/gitignore.js';
import { materialize } from '../data/workspace/materialize.js';
import type { Workspace } from '../data/workspace/workspace.js';
import { SlipwayError } from '../domain/errors.js';
import type { FileRecord } from './lock-file.js';
import { digestPath } from './path-digest.js';
import { outputsOf, type Stage } from './types.js';

/** What a stage wrote, as stored: outs (with pointer files), metrics and plots. */
export interface StoredOutputs {
  readonly outs: readonly FileRecord[];
  readonly metrics: readonly FileRecord[];
  readonly plots: readonly FileRecord[];
}

const abs = (ws: Workspace, rel: string) => join(ws.root, ...rel.split('/'));

/** Removes what the stage writes before it runs, so nothing left from an earlier run passes for new output. */
export async function clearOutputs(ws: Workspace, stage: Stage): Promise<void> {
  for (const path of outputsOf(stage)) await rm(abs(ws, path), { recursive: true, force: true });
}

/**
 * Stores what the stage wrote: outs as `slipway add` does (objects, then the `.slip` pointer, git-ignored),
 * metrics and plots (files, kept in git) as objects too, so the run cache can restore them. An output the
 * command did not write is an error.
 */
export async function storeOutputs(ws: Workspace, stage: Stage): Promise<StoredOutputs> {
  const missing = [];
  for (const path of outputsOf(stage))
    if ((await lstat(abs(ws, path)).catch(() => undefined)) === undefined) missing.push(path);
  if (missing.length > 0) {
    throw new SlipwayError('INVALID_STATE', `Stage ${stage.name} ran but did not write ${missing.join(', ')}.`, {
      hint: `Make the command write every path listed in its outs, metrics and plots, or remove it from slipway.yaml.`,
    });
  }
  const added = stage.outs.length === 0 ? [] : (await addLocked(ws, { paths: [...stage.outs], cwd: ws.root })).targets;
  const outs = added.map((t) => ({ path: t.path, digest: t.digest, size: t.size, files: t.files }));
  return { outs, metrics: await storeFiles(ws, stage.metrics), plots: await storeFiles(ws, stage.plots) };
}

async function storeFiles(ws: Workspace, paths: readonly string[]): Promise<FileRecord[]> {
  const records: FileRecord[] = [];
  for (const path of paths) {
    const info = await lstat(abs(ws, path));
    if (!info.isFile()) {
      throw new SlipwayError('INVALID_STATE', `${path} is not a regular file; metrics and plots are files.`, {
        hint: 'List a folder of results under outs instead.',
      });
    }
    const stored = await ws.cache.store.put(createReadStream(abs(ws, path)));
    records.push({ path, digest: stored.digest, size: stored.size });
  }
  return records;
}

/** Whether every object the outputs need (files, trees and what the trees list) is in the cache. */
export async function outputsInCache(ws: Workspace, outputs: StoredOutputs): Promise<boolean> {
  for (const record of [...outputs.outs, ...outputs.metrics, ...outputs.plots]) {
    if (!(await ws.cache.store.has(record.digest))) return false;
    if (record.files === undefined) continue;
    const tree = await tryReadTree(ws.cache.store, record.digest, record.path);
    if (tree === undefined) return false;
    if ((await ws.cache.store.missing(tree.map((entry) => entry.digest))).length > 0) return false;
  }
  return true;
}

/** Puts outputs back from the cache (those that differ), with the outs' pointer files: the run cache's restore. */
export async function restoreOutputs(ws: Workspace, outputs: StoredOutputs): Promise<void> {
  for (const record of outputs.outs) {
    await restoreOne(ws, record);
    const pointerAbs = abs(ws, pointerPathFor(record.path));
    const { digest, size, files } = record;
    await writePointerFile(pointerAbs, { schema: 1, path: basename(record.path), digest, size, files });
    if (ws.scm) await ensureIgnored(abs(ws, record.path));
  }
  for (const record of [...outputs.metrics, ...outputs.plots]) await restoreOne(ws, record, 'copy');
}

async function restoreOne(ws: Workspace, record: FileRecord, linkMode = ws.linkMode): Promise<void> {
  if ((await digestPath(ws, record.path))?.digest === record.digest) return;
  const target = abs(ws, record.path);
  await rm(target, { recursive: true, force: true });
  if (record.files === undefined) {
    await mkdir(dirname(target), { recursive: true });
    return materialize(ws, record.digest, target, 0o644, linkMode);
  }
  const tree = (await tryReadTree(ws.cache.store, record.digest, record.path)) ?? [];
  await mkdir(target, { recursive: true });
  for (const entry of tree) {
    const file = join(target, ...entry.path.split('/'));
    await mkdir(dirname(file), { recursive: true });
    await materialize(ws, entry.digest, file, entry.mode, linkMode);
  }
}
