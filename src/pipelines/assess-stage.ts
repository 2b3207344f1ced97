import type { Workspace } from '../data/workspace/workspace.js';
import type { Digest } from '../domain/digest.js';
import { notFound } from '../domain/errors.js';
import type { FileRecord, LockEntry } from './lock-file.js';
import { type ParamValues, readStageParams } from './params-files.js';
import { canonicalJson, digestPath } from './path-digest.js';
import { runKey } from './run-cache.js';
import type { Stage } from './types.js';

/** A stage's inputs as they are now, and why it must run (empty: it is up to date). */
export interface StageAssessment {
  readonly deps: readonly FileRecord[];
  readonly params: Readonly<Record<string, ParamValues>>;
  readonly reasons: readonly string[];
  readonly key: Digest;
}

export interface AssessOptions {
  readonly force?: boolean;
  /** Paths that stages about to run will write (in a dry run): a missing one is no error, and makes this stale. */
  readonly pending?: ReadonlyMap<string, string>;
}

/**
 * Compares a stage with its lock entry: it is stale when it never ran, its command changed, a dependency's digest
 * or a param's value changed, an output is missing or modified, or it is always_changed (or forced).
 */
export async function assessStage(
  ws: Workspace,
  stage: Stage,
  entry: LockEntry | undefined,
  options: AssessOptions = {},
): Promise<StageAssessment> {
  const reasons: string[] = [];
  const deps = await currentDeps(ws, stage, options.pending, reasons);
  const params = await readStageParams(ws.root, stage.name, stage.params);
  const key = runKey({ stage, deps, params });
  if (entry === undefined) reasons.push('it has not run yet');
  else reasons.push(...(await changes(ws, stage, entry, deps, params)));
  if (stage.alwaysChanged) reasons.push('it is always_changed');
  if (options.force === true) reasons.push('--force');
  return { deps, params, reasons, key };
}

async function currentDeps(
  ws: Workspace,
  stage: Stage,
  pending: ReadonlyMap<string, string> | undefined,
  reasons: string[],
): Promise<FileRecord[]> {
  const deps: FileRecord[] = [];
  for (const path of stage.deps) {
    const writer = [...(pending ?? [])].find(
      ([out]) => path === out || path.startsWith(`${out}/`) || out.startsWith(`${path}/`),
    );
    if (writer !== undefined) {
      reasons.push(`stage ${writer[1]} will write ${writer[0]}`);
      continue;
    }
    const record = await digestPath(ws, path);
    if (record === undefined) throw missingDep(stage, path);
    deps.push(record);
  }
  return deps;
}

const missingDep = (stage: Stage, path: string) =>
  notFound(`Stage ${stage.name} depends on ${path}, which does not exist.`, {
    hint: `Create ${path} (or \`slipway pull\` it), add the stage that writes it to slipway.yaml, or fix the deps of ${stage.name}.`,
  });

async function changes(
  ws: Workspace,
  stage: Stage,
  entry: LockEntry,
  deps: readonly FileRecord[],
  params: Readonly<Record<string, ParamValues>>,
): Promise<string[]> {
  const reasons: string[] = [];
  if (canonicalJson(entry.cmd) !== canonicalJson(stage.cmd) || (entry.wdir ?? '') !== stage.wdir) {
    reasons.push('its command changed');
  }
  reasons.push(...recordChanges('dependency', entry.deps, deps));
  reasons.push(...paramChanges(entry.params, params));
  for (const recorded of [...entry.outs, ...entry.metrics, ...entry.plots]) {
    const now = await digestPath(ws, recorded.path);
    if (now === undefined) reasons.push(`output ${recorded.path} is missing`);
    else if (now.digest !== recorded.digest) reasons.push(`output ${recorded.path} was modified`);
  }
  const recordedOutputs = new Set([...entry.outs, ...entry.metrics, ...entry.plots].map((r) => r.path));
  const declared = [...stage.outs, ...stage.metrics, ...stage.plots];
  if (declared.length !== recordedOutputs.size || declared.some((p) => !recordedOutputs.has(p))) {
    reasons.push('its outputs changed');
  }
  return reasons;
}

function recordChanges(label: string, before: readonly FileRecord[], now: readonly FileRecord[]): string[] {
  const old = new Map(before.map((record) => [record.path, record.digest]));
  const reasons: string[] = [];
  for (const record of now) {
    const digest = old.get(record.path);
    if (digest === undefined) reasons.push(`${label} ${record.path} was added`);
    else if (digest !== record.digest) reasons.push(`${label} ${record.path} changed`);
    old.delete(record.path);
  }
  for (const path of old.keys()) reasons.push(`${label} ${path} was removed`);
  return reasons;
}

function paramChanges(
  before: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
  now: Readonly<Record<string, ParamValues>>,
): string[] {
  const reasons: string[] = [];
  for (const file of new Set([...Object.keys(before), ...Object.keys(now)])) {
    const old = before[file] ?? {};
    const current = now[file] ?? {};
    for (const key of new Set([...Object.keys(old), ...Object.keys(current)])) {
      if (canonicalJson(old[key]) !== canonicalJson(current[key])) reasons.push(`param ${file}:${key} changed`);
    }
  }
  return reasons;
}
