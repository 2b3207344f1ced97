import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Workspace } from '../data/workspace/workspace.js';
import { acquireWorkspaceLock } from '../data/workspace/workspace-lock.js';
import { invalidParameter } from '../domain/errors.js';
import { atomicWriteFile } from '../lib/atomic-write-file.js';
import { journalExperiment, recoverExperiment } from './exp-journal.js';
import { applyOverrides, flatten, type ParamOverride, parseOverride, readDataFile } from './params-files.js';
import { loadPipeline } from './parse-pipeline.js';
import { DEFAULT_PARAMS_FILE } from './pipeline-schema.js';
import { type ReproInput, type ReproResult, reproLocked } from './repro.js';
import type { Stage } from './types.js';

export interface ExpRunInput extends Omit<ReproInput, 'dry'> {
  /** `train.lr=0.1` or `config.yaml:train.lr=0.1`, as given to -S. */
  readonly overrides: readonly string[];
}

export interface ExpRunResult extends ReproResult {
  readonly overrides: readonly ParamOverride[];
  /** The metrics the experiment's stages wrote (file → dotted key → number), read before the workspace was restored. */
  readonly metrics: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/**
 * `slipway exp run`: runs the pipeline with params overridden, as tracked runs tagged with the overrides, then
 * puts the workspace back as it was: the params files, slipway.lock, the outputs and their pointer files. The
 * originals are journaled in `.slipway/exp/` first, so a killed experiment is undone by the next repro or exp run.
 */
export async function expRun(ws: Workspace, input: ExpRunInput): Promise<ExpRunResult> {
  const overrides = input.overrides.map((text) => parseOverride(text, DEFAULT_PARAMS_FILE));
  if (overrides.length === 0) {
    throw invalidParameter('Nothing to override.', { hint: 'Give at least one -S key=value, e.g. -S train.lr=0.1.' });
  }
  const lock = await acquireWorkspaceLock(ws.dotDir, 'slipway exp run');
  try {
    await recoverExperiment(ws);
    const pipeline = await loadPipeline(ws.root);
    await journalExperiment(ws, [...new Set(overrides.map((o) => o.file))], pipeline.stages);
    try {
      await applyAll(ws.root, overrides);
      const tags = { 'slipway.exp': 'true', 'slipway.exp.overrides': JSON.stringify(input.overrides) };
      const tracking = input.tracking && { ...input.tracking, tags: { ...input.tracking.tags, ...tags } };
      const result = await reproLocked(ws, { ...input, tracking });
      const metrics = await metricsOf(ws.root, pipeline.stages, result);
      return { ...result, overrides, metrics };
    } finally {
      await recoverExperiment(ws);
    }
  } finally {
    await lock.release();
  }
}

async function applyAll(root: string, overrides: readonly ParamOverride[]): Promise<void> {
  for (const file of new Set(overrides.map((o) => o.file))) {
    const abs = join(root, ...file.split('/'));
    const text = await readFile(abs, 'utf8').catch(() => undefined);
    if (text === undefined) {
      throw invalidParameter(`The params file ${file} does not exist.`, {
        hint: 'Name an existing params file: -S file.yaml:key=value.',
      });
    }
    await atomicWriteFile(
      abs,
      applyOverrides(
        text,
        file,
        overrides.filter((o) => o.file === file),
      ),
    );
  }
}

async function metricsOf(root: string, stages: readonly Stage[], result: ReproResult) {
  const ran = new Set(result.stages.filter((s) => s.status === 'ran' || s.status === 'restored').map((s) => s.name));
  const metrics: Record<string, Record<string, number>> = {};
  for (const file of stages.filter((s) => ran.has(s.name)).flatMap((s) => s.metrics)) {
    const values = flatten(await readDataFile(root, file).catch(() => undefined));
    metrics[file] = Object.fromEntries(
      Object.entries(values).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
    );
  }
  return metrics;
}
