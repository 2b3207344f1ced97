import type { FastifyInstance } from 'fastify';
import {
  type SearchExperimentsRequest,
  type SearchExperimentsResponse,
  type SearchRunsResponse,
  searchExperimentsRequestSchema,
  searchRunsRequestSchema,
} from '../../../contract/mlflow/search.js';
import { searchExperiments } from '../../../tracking/search-experiments.js';
import { type SearchDeps, searchRuns } from '../../../tracking/search-runs.js';
import type { AppDeps } from '../../app-deps.js';
import { type MlflowRoutes, mountMlflow } from './mount-mlflow.js';
import { parseBody, parseQuery } from './parse-request.js';
import { renderExperiment, renderRun } from './render.js';

const pageTokenField = (token: string | undefined) => (token === undefined ? {} : { next_page_token: token });

async function findExperiments(
  deps: SearchDeps,
  request: SearchExperimentsRequest,
): Promise<SearchExperimentsResponse> {
  const page = await searchExperiments(deps, {
    filter: request.filter,
    viewType: request.view_type,
    maxResults: request.max_results,
    orderBy: request.order_by,
    pageToken: request.page_token,
  });
  const experiments = page.items.map(renderExperiment);
  return { ...(experiments.length > 0 ? { experiments } : {}), ...pageTokenField(page.nextPageToken) };
}

/** runs/search (POST) and experiments/search (POST, and GET with a query string as MLflow 2 has it). */
export const searchRoutes =
  (deps: SearchDeps): MlflowRoutes =>
  (scope: FastifyInstance) => {
    scope.post('/runs/search', async (request): Promise<SearchRunsResponse> => {
      const body = parseBody(searchRunsRequestSchema, request.body);
      const page = await searchRuns(deps, {
        experimentIds: body.experiment_ids ?? [],
        filter: body.filter,
        runViewType: body.run_view_type,
        maxResults: body.max_results,
        orderBy: body.order_by,
        pageToken: body.page_token,
      });
      const runs = page.items.map(renderRun);
      return { ...(runs.length > 0 ? { runs } : {}), ...pageTokenField(page.nextPageToken) };
    });
    scope.post('/experiments/search', (request) =>
      findExperiments(deps, parseBody(searchExperimentsRequestSchema, request.body)),
    );
    scope.get('/experiments/search', (request) =>
      findExperiments(deps, parseQuery(searchExperimentsRequestSchema, request.query, ['order_by'])),
    );
  };

/** Mounts the search routes under /api/2.0/mlflow and /ajax-api/2.0/mlflow. */
export function registerSearchRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'metadata'>): void {
  mountMlflow(app, searchRoutes(deps));
}
