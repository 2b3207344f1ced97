import type { FastifyInstance } from 'fastify';
import type { EmptyResponse } from '../../../contract/mlflow/common.js';
import {
  type GetMetricHistoryResponse,
  getMetricHistoryRequestSchema,
  logInputsRequestSchema,
  logMetricRequestSchema,
  logModelRequestSchema,
  logParamRequestSchema,
} from '../../../contract/mlflow/logging.js';
import { getMetricHistory } from '../../../tracking/get-metric-history.js';
import { logInputs } from '../../../tracking/log-inputs.js';
import { logMetric } from '../../../tracking/log-metric.js';
import { logModel } from '../../../tracking/log-model.js';
import { logParam } from '../../../tracking/log-param.js';
import type { TrackingDeps } from '../../../tracking/types.js';
import type { MlflowRoutes } from './mount-mlflow.js';
import { parseBody, parseQuery, runIdOf } from './parse-request.js';
import { renderMetric } from './render.js';

type DatasetEntry = NonNullable<ReturnType<typeof logInputsRequestSchema.parse>['datasets']>[number];

const toDatasetInput = ({ tags, dataset }: DatasetEntry) => ({
  tags: tags ?? [],
  dataset: {
    name: dataset.name,
    digest: dataset.digest,
    sourceType: dataset.source_type,
    source: dataset.source,
    schema: dataset.schema,
    profile: dataset.profile,
  },
});

/** runs/log-parameter, log-metric, log-inputs, log-model and metrics/get-history (log-batch: log-batch-routes.ts). */
export const loggingRoutes =
  (deps: TrackingDeps): MlflowRoutes =>
  (scope: FastifyInstance) => {
    scope.post('/runs/log-parameter', async (request): Promise<EmptyResponse> => {
      const body = parseBody(logParamRequestSchema, request.body);
      await logParam(deps, { runId: runIdOf(body), key: body.key, value: body.value });
      return {};
    });
    scope.post('/runs/log-metric', async (request): Promise<EmptyResponse> => {
      const { key, value, timestamp, step, ...ids } = parseBody(logMetricRequestSchema, request.body);
      await logMetric(deps, { runId: runIdOf(ids), key, value, timestamp, step });
      return {};
    });
    scope.post('/runs/log-inputs', async (request): Promise<EmptyResponse> => {
      const body = parseBody(logInputsRequestSchema, request.body);
      await logInputs(deps, { runId: runIdOf(body), datasets: (body.datasets ?? []).map(toDatasetInput) });
      return {};
    });
    scope.post('/runs/log-model', async (request): Promise<EmptyResponse> => {
      const body = parseBody(logModelRequestSchema, request.body);
      await logModel(deps, { runId: runIdOf(body), modelJson: body.model_json });
      return {};
    });
    scope.get('/metrics/get-history', async (request): Promise<GetMetricHistoryResponse> => {
      const query = parseQuery(getMetricHistoryRequestSchema, request.query);
      const input = { runId: runIdOf(query), metricKey: query.metric_key, maxResults: query.max_results };
      const page = await getMetricHistory(deps, { ...input, pageToken: query.page_token });
      return {
        ...(page.items.length > 0 ? { metrics: page.items.map(renderMetric) } : {}),
        ...(page.nextPageToken === undefined ? {} : { next_page_token: page.nextPageToken }),
      };
    });
  };
