import { artifactRootOf } from '../artifacts/run-artifact-root.js';
import { emptyResponseSchema, encodeDouble } from '../contract/mlflow/common.js';
import { createExperimentResponseSchema, experimentResponseSchema } from '../contract/mlflow/experiments.js';
import { getMetricHistoryResponseSchema } from '../contract/mlflow/logging.js';
import { runResponseSchema, updateRunResponseSchema } from '../contract/mlflow/runs.js';
import { searchExperimentsResponseSchema, searchRunsResponseSchema } from '../contract/mlflow/search.js';
import { joinArtifactPath, parseArtifactPath } from '../domain/artifact-path.js';
import type { LogBatchInput } from '../tracking/log-batch.js';
import type { PutRunArtifactInput, TrackingClient } from '../tracking/tracking-client.js';
import type { DatasetInput, Page } from '../tracking/types.js';
import { createMlflowHttp, type MlflowHttp, type MlflowHttpOptions } from './mlflow-http.js';
import { decodeExperiment, decodeMetric, decodeRun, decodeRunInfo, optional } from './mlflow-wire.js';

export type HttpTrackingClientOptions = MlflowHttpOptions;

const page = <T>(items: T[], token: string | undefined): Page<T> => ({ items, ...optional('nextPageToken', token) });

const batchBody = (input: LogBatchInput) => ({
  run_id: input.runId,
  metrics: (input.metrics ?? []).map((m) => ({ ...m, value: encodeDouble(m.value) })),
  params: input.params ?? [],
  tags: input.tags ?? [],
});

const inputsBody = (runId: string, datasets: readonly DatasetInput[]) => ({
  run_id: runId,
  datasets: datasets.map(({ tags, dataset }) => ({
    tags,
    dataset: {
      name: dataset.name,
      digest: dataset.digest,
      source_type: dataset.sourceType,
      source: dataset.source,
      ...optional('schema', dataset.schema),
      ...optional('profile', dataset.profile),
    },
  })),
});

/** The artifact proxy path of a run's file, each segment percent-encoded. */
function artifactUrlPath(input: PutRunArtifactInput): string {
  const path = joinArtifactPath('path', artifactRootOf(input.artifactUri), parseArtifactPath(input.path));
  return path.split('/').map(encodeURIComponent).join('/');
}

/** The tracking port over the MLflow REST API (`http(s)://` tracking URIs). */
export function createHttpTrackingClient(options: HttpTrackingClientOptions): TrackingClient {
  return trackingOver(createMlflowHttp(options));
}

function trackingOver(http: MlflowHttp): TrackingClient {
  const empty = emptyResponseSchema.loose();
  return {
    uri: http.baseUrl,
    createExperiment: async (input) => {
      const body = { name: input.name, ...optional('artifact_location', input.artifactLocation), tags: input.tags };
      const answer = await http.post('/experiments/create', body, createExperimentResponseSchema);
      return { experimentId: answer.experiment_id };
    },
    getExperimentByName: async (name) => {
      const answer = await http.get('/experiments/get-by-name', { experiment_name: name }, experimentResponseSchema);
      return decodeExperiment(answer.experiment);
    },
    searchExperiments: async (input) => {
      const body = {
        ...optional('filter', input.filter),
        ...optional('view_type', input.viewType),
        ...optional('max_results', input.maxResults),
        ...optional('order_by', input.orderBy),
        ...optional('page_token', input.pageToken),
      };
      const answer = await http.post('/experiments/search', body, searchExperimentsResponseSchema);
      return page((answer.experiments ?? []).map(decodeExperiment), answer.next_page_token);
    },
    deleteExperiment: async (experimentId) => {
      await http.post('/experiments/delete', { experiment_id: experimentId }, empty);
    },
    createRun: async (input) => {
      const body = {
        ...optional('experiment_id', input.experimentId),
        ...optional('user_id', input.userId),
        ...optional('run_name', input.runName),
        ...optional('start_time', input.startTime),
        ...optional('tags', input.tags),
      };
      return decodeRun((await http.post('/runs/create', body, runResponseSchema)).run);
    },
    getRun: async (runId) => decodeRun((await http.get('/runs/get', { run_id: runId }, runResponseSchema)).run),
    updateRun: async (input) => {
      const body = {
        run_id: input.runId,
        ...optional('status', input.status),
        ...optional('end_time', input.endTime),
        ...optional('run_name', input.runName),
      };
      return decodeRunInfo((await http.post('/runs/update', body, updateRunResponseSchema)).run_info);
    },
    deleteRun: async (runId) => {
      await http.post('/runs/delete', { run_id: runId }, empty);
    },
    setTag: async (input) => {
      await http.post('/runs/set-tag', { run_id: input.runId, key: input.key, value: input.value }, empty);
    },
    logBatch: async (input) => {
      await http.post('/runs/log-batch', batchBody(input), empty);
    },
    logInputs: async (input) => {
      await http.post('/runs/log-inputs', inputsBody(input.runId, input.datasets), empty);
    },
    getMetricHistory: async (input) => {
      const query = {
        run_id: input.runId,
        metric_key: input.metricKey,
        ...optional('max_results', input.maxResults === undefined ? undefined : String(input.maxResults)),
        ...optional('page_token', input.pageToken),
      };
      const answer = await http.get('/metrics/get-history', query, getMetricHistoryResponseSchema);
      return page((answer.metrics ?? []).map(decodeMetric), answer.next_page_token);
    },
    searchRuns: async (input) => {
      const body = {
        experiment_ids: input.experimentIds,
        ...optional('filter', input.filter),
        ...optional('run_view_type', input.runViewType),
        ...optional('max_results', input.maxResults),
        ...optional('order_by', input.orderBy),
        ...optional('page_token', input.pageToken),
      };
      const answer = await http.post('/runs/search', body, searchRunsResponseSchema);
      return page((answer.runs ?? []).map(decodeRun), answer.next_page_token);
    },
    putArtifact: async (input) => http.put(artifactUrlPath(input), input.body, input.size),
    close: async () => {},
  };
}
