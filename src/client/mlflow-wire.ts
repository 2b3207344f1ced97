import type { WireDouble } from '../contract/mlflow/common.js';
import type { ExperimentMessage } from '../contract/mlflow/experiments.js';
import type { DatasetInputMessage, MetricMessage, RunInfoMessage, RunMessage } from '../contract/mlflow/runs.js';
import type { DatasetInput, Experiment, Metric, Run, RunInfo, Tag } from '../tracking/types.js';

/** MLflow JSON → the tracking types: the inverse of the server's render.ts. */

const SPECIAL: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};

export const decodeDouble = (value: WireDouble): number =>
  typeof value === 'number' ? value : (SPECIAL[value] ?? Number.NaN);

const tags = (list: readonly Tag[] | undefined): Tag[] => (list ?? []).map(({ key, value }) => ({ key, value }));

export const decodeExperiment = (message: ExperimentMessage): Experiment => ({
  experimentId: message.experiment_id,
  name: message.name,
  artifactLocation: message.artifact_location,
  lifecycleStage: message.lifecycle_stage,
  creationTime: message.creation_time ?? 0,
  lastUpdateTime: message.last_update_time ?? 0,
  tags: tags(message.tags),
});

export const decodeRunInfo = (message: RunInfoMessage): RunInfo => ({
  runId: message.run_id,
  runName: message.run_name,
  experimentId: message.experiment_id,
  userId: message.user_id,
  status: message.status,
  startTime: message.start_time ?? null,
  endTime: message.end_time ?? null,
  artifactUri: message.artifact_uri,
  lifecycleStage: message.lifecycle_stage,
});

export const decodeMetric = (message: MetricMessage): Metric => ({
  key: message.key,
  value: decodeDouble(message.value),
  timestamp: message.timestamp,
  step: message.step,
});

const decodeDatasetInput = (message: DatasetInputMessage): DatasetInput => ({
  tags: tags(message.tags),
  dataset: {
    name: message.dataset.name,
    digest: message.dataset.digest,
    sourceType: message.dataset.source_type,
    source: message.dataset.source,
    ...(message.dataset.schema === undefined ? {} : { schema: message.dataset.schema }),
    ...(message.dataset.profile === undefined ? {} : { profile: message.dataset.profile }),
  },
});

export const decodeRun = (message: RunMessage): Run => ({
  info: decodeRunInfo(message.info),
  data: {
    metrics: (message.data.metrics ?? []).map(decodeMetric),
    params: tags(message.data.params),
    tags: tags(message.data.tags),
  },
  inputs: { datasetInputs: (message.inputs.dataset_inputs ?? []).map(decodeDatasetInput) },
});

/** `{name: value}` when value is defined, `{}` otherwise: requests leave unset fields out. */
export function optional<K extends string, V>(name: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [name]: value }) as { [P in K]?: V };
}
