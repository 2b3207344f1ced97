import type { FastifyInstance } from 'fastify';
import type { EmptyResponse } from '../../../contract/mlflow/common.js';
import {
  createRunRequestSchema,
  deleteTagRequestSchema,
  type RunResponse,
  runIdRequestSchema,
  setTagRequestSchema,
  type UpdateRunResponse,
  updateRunRequestSchema,
} from '../../../contract/mlflow/runs.js';
import { createRun } from '../../../tracking/create-run.js';
import { deleteRun } from '../../../tracking/delete-run.js';
import { deleteTag } from '../../../tracking/delete-tag.js';
import { getRun } from '../../../tracking/get-run.js';
import { restoreRun } from '../../../tracking/restore-run.js';
import { setTag } from '../../../tracking/set-tag.js';
import type { TrackingDeps } from '../../../tracking/types.js';
import { updateRun } from '../../../tracking/update-run.js';
import type { MlflowRoutes } from './mount-mlflow.js';
import { parseBody, parseQuery, runIdOf } from './parse-request.js';
import { renderRun, renderRunInfo } from './render.js';

/** runs/create, get, update, delete, restore, set-tag, delete-tag. */
export const runRoutes =
  (deps: TrackingDeps): MlflowRoutes =>
  (scope: FastifyInstance) => {
    scope.post('/runs/create', async (request): Promise<RunResponse> => {
      const body = parseBody(createRunRequestSchema, request.body);
      const input = {
        experimentId: body.experiment_id,
        userId: body.user_id,
        runName: body.run_name,
        startTime: body.start_time,
        tags: body.tags,
      };
      return { run: renderRun(await createRun(deps, input)) };
    });
    scope.get('/runs/get', async (request): Promise<RunResponse> => {
      const query = parseQuery(runIdRequestSchema, request.query);
      return { run: renderRun(await getRun(deps, { runId: runIdOf(query) })) };
    });
    scope.post('/runs/update', async (request): Promise<UpdateRunResponse> => {
      const body = parseBody(updateRunRequestSchema, request.body);
      const input = { runId: runIdOf(body), status: body.status, endTime: body.end_time, runName: body.run_name };
      return { run_info: renderRunInfo(await updateRun(deps, input)) };
    });
    scope.post('/runs/delete', async (request): Promise<EmptyResponse> => {
      await deleteRun(deps, { runId: runIdOf(parseBody(runIdRequestSchema, request.body)) });
      return {};
    });
    scope.post('/runs/restore', async (request): Promise<EmptyResponse> => {
      await restoreRun(deps, { runId: runIdOf(parseBody(runIdRequestSchema, request.body)) });
      return {};
    });
    scope.post('/runs/set-tag', async (request): Promise<EmptyResponse> => {
      const body = parseBody(setTagRequestSchema, request.body);
      await setTag(deps, { runId: runIdOf(body), key: body.key, value: body.value });
      return {};
    });
    scope.post('/runs/delete-tag', async (request): Promise<EmptyResponse> => {
      const body = parseBody(deleteTagRequestSchema, request.body);
      await deleteTag(deps, { runId: runIdOf(body), key: body.key });
      return {};
    });
  };
