import { basename } from 'node:path';
import type { Workspace } from '../data/workspace/workspace.js';
import { acquireWorkspaceLock } from '../data/workspace/workspace-lock.js';
import type { TrackingClient } from '../tracking/tracking-client.js';
import { assessStage, type StageAssessment } from './assess-stage.js';
import { buildDag, selectStages } from './build-dag.js';
import { recoverExperiment } from './exp-journal.js';
import { type LockEntry, type LockFile, readLock, writeLock } from './lock-file.js';
import { clearOutputs, outputsInCache, restoreOutputs, type StoredOutputs, storeOutputs } from './outputs.js';
import { loadPipeline } from './parse-pipeline.js';
import { lookupRunCache, saveRunCache } from './run-cache.js';
import { runStageCommand, type StageOutput } from './run-stage-command.js';
import { scheduleStages } from './schedule-stages.js';
import { createStageTracker, type StageTracker } from './track-stage.js';
import { outputsOf, type Pipeline, type Stage } from './types.js';

export interface ReproInput {
  /** Stage names (`train` also selects `train@…`); their upstream stages come too. Default: every stage. */
  readonly targets?: readonly string[];
  /** Independent stages run at most this many at a time (default 1). */
  readonly jobs?: number;
  /** Run the selected stages even when up to date (and skip the run cache). */
  readonly force?: boolean;
  /** Only say what would run. */
  readonly dry?: boolean;
  /** Record every stage that runs as a tracked run; `tags` go on each. */
  readonly tracking?: { readonly client: TrackingClient; readonly tags?: Readonly<Record<string, string>> };
  readonly output: StageOutput;
  readonly onStage?: (event: StageEvent) => void;
}

/** `ran`: the command ran; `restored`: its outputs came from the run cache; `would-run`: in a dry run. */
export type StageStatus = 'ran' | 'restored' | 'up-to-date' | 'frozen' | 'would-run';

export interface StageOutcome {
  readonly name: string;
  readonly status: StageStatus;
  /** Why it was stale. */
  readonly reasons: readonly string[];
  readonly runId?: string | undefined;
}

export interface StageEvent {
  readonly name: string;
  readonly status: StageStatus | 'running';
  readonly reasons: readonly string[];
}

export interface ReproResult {
  readonly stages: readonly StageOutcome[];
}

/** `slipway repro` under the workspace lock (shared with the data commands). */
export async function reproPipeline(ws: Workspace, input: ReproInput): Promise<ReproResult> {
  const lock = await acquireWorkspaceLock(ws.dotDir, `slipway repro ${(input.targets ?? []).join(' ')}`.trim());
  try {
    await recoverExperiment(ws);
    return await reproLocked(ws, input);
  } finally {
    await lock.release();
  }
}

interface Context {
  readonly ws: Workspace;
  readonly input: ReproInput;
  readonly lock: LockWriter;
  readonly tracker: StageTracker | undefined;
  /** Dry run: outputs of the stages that would run → their stage. */
  readonly pending: Map<string, string>;
  /** Runs storing and restoring one at a time: parallel stages may share a `.gitignore`. */
  readonly serial: <T>(fn: () => Promise<T>) => Promise<T>;
}

/** A function that runs the functions given to it one after the other. */
function serializer(): <T>(fn: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return (fn) => {
    const next = last.then(fn, fn);
    last = next.catch(() => {});
    return next;
  };
}

/**
 * Runs the stale stages of slipway.yaml in dependency order, independent ones in parallel; each stage's lock
 * entry is written (atomically) only after its outputs are stored, so a killed repro leaves a consistent lock and
 * the interrupted stage runs again next time. The caller holds the workspace lock.
 */
export async function reproLocked(ws: Workspace, input: ReproInput): Promise<ReproResult> {
  const pipeline = await loadPipeline(ws.root);
  const dag = buildDag(pipeline);
  const stages = selectStages(dag, input.targets ?? []);
  const context: Context = {
    ws,
    input,
    lock: new LockWriter(ws.root, await readLock(ws.root), pipeline),
    tracker: trackerFor(ws, pipeline, input),
    pending: new Map(),
    serial: serializer(),
  };
  const byName = new Map(stages.map((stage) => [stage.name, stage]));
  const jobs = input.dry === true ? 1 : Math.max(1, input.jobs ?? 1);
  const names = stages.map((stage) => stage.name);
  const results = await scheduleStages(names, dag.upstream, jobs, (name) =>
    reproStage(context, byName.get(name) as Stage),
  );
  return { stages: names.map((name) => results.get(name) as StageOutcome) };
}

function trackerFor(ws: Workspace, pipeline: Pipeline, input: ReproInput): StageTracker | undefined {
  if (input.tracking === undefined || input.dry === true) return undefined;
  const experiment = pipeline.experiment ?? basename(ws.root);
  return createStageTracker({ ...input.tracking, root: ws.root, experiment });
}

async function reproStage(context: Context, stage: Stage): Promise<StageOutcome> {
  const { ws, input } = context;
  if (stage.frozen) return report(context, { name: stage.name, status: 'frozen', reasons: [] });
  const entry = context.lock.current.stages[stage.name];
  const pending = input.dry === true ? context.pending : undefined;
  const assessment = await assessStage(ws, stage, entry, { force: input.force, pending });
  const reasons = assessment.reasons;
  if (reasons.length === 0) return report(context, { name: stage.name, status: 'up-to-date', reasons });
  if (input.dry === true) {
    for (const path of outputsOf(stage)) context.pending.set(path, stage.name);
    return report(context, { name: stage.name, status: 'would-run', reasons });
  }
  if (input.force !== true && !stage.alwaysChanged && (await restoreFromRunCache(context, stage, assessment))) {
    return report(context, { name: stage.name, status: 'restored', reasons });
  }
  context.input.onStage?.({ name: stage.name, status: 'running', reasons });
  const runId = await runAndRecord(context, stage, assessment);
  return report(context, { name: stage.name, status: 'ran', reasons, runId });
}

function report(context: Context, outcome: StageOutcome): StageOutcome {
  context.input.onStage?.(outcome);
  return outcome;
}

async function restoreFromRunCache(context: Context, stage: Stage, assessment: StageAssessment): Promise<boolean> {
  const cached = await lookupRunCache(context.ws, assessment.key);
  if (cached === undefined || !(await outputsInCache(context.ws, cached))) return false;
  await context.serial(() => restoreOutputs(context.ws, cached));
  await context.lock.set(stage.name, entryOf(stage, assessment, cached));
  return true;
}

/** Runs the command, stores its outputs, records the run cache entry, then the lock entry; tracks it all. */
async function runAndRecord(context: Context, stage: Stage, assessment: StageAssessment): Promise<string | undefined> {
  const { ws } = context;
  const tracked = await context.tracker?.start(stage, assessment);
  let outputs: StoredOutputs;
  try {
    await clearOutputs(ws, stage);
    await runStageCommand(ws.root, stage, context.input.output);
    outputs = await context.serial(() => storeOutputs(ws, stage));
    await saveRunCache(ws, assessment.key, stage.name, outputs);
    await context.lock.set(stage.name, entryOf(stage, assessment, outputs));
  } catch (error) {
    await tracked?.failed(error).catch(() => {});
    throw error;
  }
  await tracked?.finished(outputs);
  return tracked?.runId;
}

const entryOf = (stage: Stage, assessment: StageAssessment, outputs: StoredOutputs): LockEntry => ({
  cmd: stage.cmd,
  wdir: stage.wdir === '' ? undefined : stage.wdir,
  deps: assessment.deps,
  params: assessment.params,
  outs: outputs.outs,
  metrics: outputs.metrics,
  plots: outputs.plots,
});

/** The lock in memory; every change is written whole and atomically, one write after the other. */
class LockWriter {
  #current: LockFile;
  #writes: Promise<void> = Promise.resolve();
  readonly #root: string;
  readonly #names: ReadonlySet<string>;

  constructor(root: string, lock: LockFile, pipeline: Pipeline) {
    this.#root = root;
    this.#current = lock;
    this.#names = new Set(pipeline.stages.map((stage) => stage.name));
  }

  get current(): LockFile {
    return this.#current;
  }

  /** Sets one stage's entry; entries of stages no longer in slipway.yaml are dropped. */
  set(name: string, entry: LockEntry): Promise<void> {
    const kept = Object.entries(this.#current.stages).filter(([other]) => this.#names.has(other) && other !== name);
    const next: LockFile = { stages: { ...Object.fromEntries(kept), [name]: entry } };
    this.#current = next;
    this.#writes = this.#writes.then(() => writeLock(this.#root, next));
    return this.#writes;
  }
}
