import type { FastifyInstance } from 'fastify';
import type { EmptyResponse } from '../../../contract/mlflow/common.js';
import {
  type CreateExperimentResponse,
  createExperimentRequestSchema,
  type ExperimentResponse,
  experimentIdRequestSchema,
  getExperimentByNameRequestSchema,
  getExperimentRequestSchema,
  setExperimentTagRequestSchema,
  updateExperimentRequestSchema,
} from '../../../contract/mlflow/experiments.js';
import { createExperiment } from '../../../tracking/create-experiment.js';
import { deleteExperiment } from '../../../tracking/delete-experiment.js';
import { getExperiment } from '../../../tracking/get-experiment.js';
import { getExperimentByName } from '../../../tracking/get-experiment-by-name.js';
import { renameExperiment } from '../../../tracking/rename-experiment.js';
import { restoreExperiment } from '../../../tracking/restore-experiment.js';
import { setExperimentTag } from '../../../tracking/set-experiment-tag.js';
import type { TrackingDeps } from '../../../tracking/types.js';
import type { MlflowRoutes } from './mount-mlflow.js';
import { parseBody, parseQuery } from './parse-request.js';
import { renderExperiment } from './render.js';

/** experiments/create, get, get-by-name, update, delete, restore, set-experiment-tag. */
export const experimentRoutes =
  (deps: TrackingDeps): MlflowRoutes =>
  (scope: FastifyInstance) => {
    scope.post('/experiments/create', async (request): Promise<CreateExperimentResponse> => {
      const body = parseBody(createExperimentRequestSchema, request.body);
      const input = { name: body.name, artifactLocation: body.artifact_location, tags: body.tags };
      return { experiment_id: (await createExperiment(deps, input)).experimentId };
    });
    scope.get('/experiments/get', async (request): Promise<ExperimentResponse> => {
      const query = parseQuery(getExperimentRequestSchema, request.query);
      return { experiment: renderExperiment(await getExperiment(deps, { experimentId: query.experiment_id })) };
    });
    scope.get('/experiments/get-by-name', async (request): Promise<ExperimentResponse> => {
      const query = parseQuery(getExperimentByNameRequestSchema, request.query);
      return { experiment: renderExperiment(await getExperimentByName(deps, { name: query.experiment_name })) };
    });
    scope.post('/experiments/update', async (request): Promise<EmptyResponse> => {
      const body = parseBody(updateExperimentRequestSchema, request.body);
      await renameExperiment(deps, { experimentId: body.experiment_id, newName: body.new_name });
      return {};
    });
    scope.post('/experiments/delete', async (request): Promise<EmptyResponse> => {
      await deleteExperiment(deps, { experimentId: parseBody(experimentIdRequestSchema, request.body).experiment_id });
      return {};
    });
    scope.post('/experiments/restore', async (request): Promise<EmptyResponse> => {
      await restoreExperiment(deps, { experimentId: parseBody(experimentIdRequestSchema, request.body).experiment_id });
      return {};
    });
    scope.post('/experiments/set-experiment-tag', async (request): Promise<EmptyResponse> => {
      const body = parseBody(setExperimentTagRequestSchema, request.body);
      await setExperimentTag(deps, { experimentId: body.experiment_id, key: body.key, value: body.value });
      return {};
    });
  };
