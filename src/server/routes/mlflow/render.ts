import { encodeDouble } from '../../../contract/mlflow/common.js';
import type { ExperimentMessage } from '../../../contract/mlflow/experiments.js';
import type { DatasetInputMessage, MetricMessage, RunInfoMessage, RunMessage } from '../../../contract/mlflow/runs.js';
import type { DatasetInput, Experiment, Metric, Run, RunInfo, Tag } from '../../../tracking/types.js';

/**
 * Domain → MLflow JSON, as protobuf's MessageToJson writes it: empty lists and unset fields are left out,
 * int64 as numbers (MLflow's own JSON does so), doubles as numbers or "NaN", "Infinity", "-Infinity".
 */

const tagList = (tags: readonly Tag[]) => tags.map(({ key, value }) => ({ key, value }));

/** `{name: list}` when the list has items, `{}` otherwise. */
function listField<K extends string, T>(name: K, items: readonly T[]): { [P in K]?: T[] } {
  return (items.length > 0 ? { [name]: [...items] } : {}) as { [P in K]?: T[] };
}

export const renderExperiment = (experiment: Experiment): ExperimentMessage => ({
  experiment_id: experiment.experimentId,
  name: experiment.name,
  artifact_location: experiment.artifactLocation,
  lifecycle_stage: experiment.lifecycleStage,
  last_update_time: experiment.lastUpdateTime,
  creation_time: experiment.creationTime,
  ...listField('tags', tagList(experiment.tags)),
});

export const renderRunInfo = (info: RunInfo): RunInfoMessage => ({
  run_uuid: info.runId,
  experiment_id: info.experimentId,
  run_name: info.runName,
  user_id: info.userId,
  status: info.status,
  ...(info.startTime === null ? {} : { start_time: info.startTime }),
  ...(info.endTime === null ? {} : { end_time: info.endTime }),
  artifact_uri: info.artifactUri,
  lifecycle_stage: info.lifecycleStage,
  run_id: info.runId,
});

export const renderMetric = (metric: Metric): MetricMessage => ({
  key: metric.key,
  value: encodeDouble(metric.value),
  timestamp: metric.timestamp,
  step: metric.step,
});

const renderDatasetInput = ({ tags, dataset }: DatasetInput): DatasetInputMessage => ({
  ...listField('tags', tagList(tags)),
  dataset: {
    name: dataset.name,
    digest: dataset.digest,
    source_type: dataset.sourceType,
    source: dataset.source,
    ...(dataset.schema === undefined ? {} : { schema: dataset.schema }),
    ...(dataset.profile === undefined ? {} : { profile: dataset.profile }),
  },
});

export const renderRun = (run: Run): RunMessage => ({
  info: renderRunInfo(run.info),
  data: {
    ...listField('metrics', run.data.metrics.map(renderMetric)),
    ...listField('params', tagList(run.data.params)),
    ...listField('tags', tagList(run.data.tags)),
  },
  inputs: listField('dataset_inputs', run.inputs.datasetInputs.map(renderDatasetInput)),
});
