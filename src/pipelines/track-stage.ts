import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { logTrackedData } from '../tracking/data-inputs.js';
import { ensureExperiment } from '../tracking/ensure-experiment.js';
import { TRACKING_LIMITS } from '../tracking/limits.js';
import { captureLineage } from '../tracking/lineage.js';
import type { TrackingClient } from '../tracking/tracking-client.js';
import type { Metric, Tag } from '../tracking/types.js';
import type { StageAssessment } from './assess-stage.js';
import type { FileRecord } from './lock-file.js';
import type { StoredOutputs } from './outputs.js';
import { flatten, readDataFile } from './params-files.js';
import { DEFAULT_PARAMS_FILE } from './pipeline-schema.js';
import type { Stage } from './types.js';

/** Records each stage that runs as a tracked run. */
export interface StageTracker {
  start(stage: Stage, assessment: StageAssessment): Promise<TrackedStage>;
}

export interface TrackedStage {
  readonly runId: string;
  finished(outputs: StoredOutputs): Promise<void>;
  failed(error: unknown): Promise<void>;
}

export interface StageTrackerOptions {
  readonly client: TrackingClient;
  readonly root: string;
  readonly experiment: string;
  /** Extra tags on every run (`slipway exp run` adds its overrides). */
  readonly tags?: Readonly<Record<string, string>>;
}

const cut = (text: string, limit: number) => (text.length <= limit ? text : `${text.slice(0, limit - 1)}…`);

/**
 * A tracker over the tracking port: each run is named after its stage and carries the git lineage (the stage's
 * command as `slipway.command`), its params, its dependencies' digests as dataset inputs, the metrics of its
 * metrics files, its outputs' digests, and an output folder holding an MLmodel as the run's `model` artifact.
 */
export function createStageTracker(options: StageTrackerOptions): StageTracker {
  let experimentId: Promise<string> | undefined;
  return {
    start: async (stage, assessment) => {
      experimentId ??= ensureExperiment(options.client, options.experiment).then((e) => e.experimentId);
      const runId = await startRun(options, await experimentId, stage, assessment);
      return {
        runId,
        finished: (outputs) => finishRun(options, runId, outputs),
        failed: (error) => failRun(options.client, runId, error),
      };
    },
  };
}

async function startRun(options: StageTrackerOptions, experimentId: string, stage: Stage, a: StageAssessment) {
  const argv = typeof stage.cmd === 'string' ? ['sh', '-c', stage.cmd] : [...stage.cmd];
  const lineage = await captureLineage({ cwd: options.root, argv, sourceName: 'slipway.yaml' });
  const own: Tag[] = [
    { key: 'slipway.pipeline.stage', value: stage.name },
    { key: 'slipway.pipeline.run_key', value: a.key },
    ...Object.entries(options.tags ?? {}).map(([key, value]) => ({ key, value })),
  ];
  const run = await options.client.createRun({
    experimentId,
    runName: stage.name,
    userId: lineage.find((tag) => tag.key === 'mlflow.user')?.value,
    tags: [...lineage, ...own],
  });
  const runId = run.info.runId;
  await logParams(options.client, runId, a.params);
  await logTrackedData(options.client, runId, a.deps, 'dependency');
  return runId;
}

async function logParams(client: TrackingClient, runId: string, params: StageAssessment['params']) {
  const flat = Object.entries(params).flatMap(([file, values]) =>
    Object.entries(values).map(([key, value]) => ({
      key: file === DEFAULT_PARAMS_FILE ? key : `${file}:${key}`,
      value: cut(typeof value === 'string' ? value : JSON.stringify(value), TRACKING_LIMITS.maxParamValueLength),
    })),
  );
  for (let i = 0; i < flat.length; i += TRACKING_LIMITS.maxParamsPerBatch) {
    await client.logBatch({ runId, params: flat.slice(i, i + TRACKING_LIMITS.maxParamsPerBatch) });
  }
}

async function finishRun(options: StageTrackerOptions, runId: string, outputs: StoredOutputs): Promise<void> {
  const { client, root } = options;
  const metrics = await metricsOf(root, outputs.metrics);
  for (let i = 0; i < metrics.length; i += TRACKING_LIMITS.maxMetricsPerBatch) {
    await client.logBatch({ runId, metrics: metrics.slice(i, i + TRACKING_LIMITS.maxMetricsPerBatch) });
  }
  await logTrackedData(client, runId, outputs.outs, 'output');
  const summary = [...outputs.outs, ...outputs.metrics, ...outputs.plots].map((r) => ({
    path: r.path,
    digest: r.digest,
  }));
  await client.setTag({
    runId,
    key: 'slipway.pipeline.outputs',
    value: cut(JSON.stringify(summary), TRACKING_LIMITS.maxTagValueLength),
  });
  const model = await firstModelFolder(root, outputs.outs);
  if (model !== undefined) {
    await uploadFolder(client, runId, join(root, ...model.split('/')), 'model');
    await client.setTag({ runId, key: 'slipway.pipeline.model', value: model });
  }
  await client.updateRun({ runId, status: 'FINISHED', endTime: Date.now() });
}

async function failRun(client: TrackingClient, runId: string, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  await client.setTag({ runId, key: 'slipway.pipeline.error', value: cut(message, TRACKING_LIMITS.maxTagValueLength) });
  await client.updateRun({ runId, status: 'FAILED', endTime: Date.now() });
}

/** The numbers of the metrics files, as dotted keys (step 0). */
async function metricsOf(root: string, files: readonly FileRecord[]): Promise<Metric[]> {
  const timestamp = Date.now();
  const metrics: Metric[] = [];
  for (const file of files) {
    for (const [key, value] of Object.entries(flatten(await readDataFile(root, file.path)))) {
      if (typeof value === 'number') metrics.push({ key, value, timestamp, step: 0 });
    }
  }
  return metrics;
}

async function firstModelFolder(root: string, outs: readonly FileRecord[]): Promise<string | undefined> {
  for (const out of outs) {
    if (out.files === undefined) continue;
    const info = await stat(join(root, ...out.path.split('/'), 'MLmodel')).catch(() => undefined);
    if (info?.isFile()) return out.path;
  }
  return undefined;
}

async function uploadFolder(client: TrackingClient, runId: string, folder: string, prefix: string): Promise<void> {
  const run = await client.getRun(runId);
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  for (const entry of entries.filter((e) => e.isFile() || e.isSymbolicLink())) {
    const file = join(entry.parentPath, entry.name);
    const path = `${prefix}/${relative(folder, file).split(sep).join('/')}`;
    const { size } = await stat(file);
    await client.putArtifact({ artifactUri: run.info.artifactUri, path, body: createReadStream(file), size });
  }
}
