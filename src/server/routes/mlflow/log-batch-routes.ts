import type { FastifyInstance } from 'fastify';
import type { EmptyResponse } from '../../../contract/mlflow/common.js';
import { logBatchRequestSchema } from '../../../contract/mlflow/logging.js';
import { invalidParameter } from '../../../domain/errors.js';
import { TRACKING_LIMITS } from '../../../tracking/limits.js';
import { logBatch } from '../../../tracking/log-batch.js';
import type { TrackingDeps } from '../../../tracking/types.js';
import type { MlflowRoutes } from './mount-mlflow.js';
import { parseBody, runIdOf } from './parse-request.js';

const LIMIT = TRACKING_LIMITS.maxBatchRequestBytes;

/** MLflow answers an oversized batch with INVALID_PARAMETER_VALUE (400), not 413. */
const tooLarge = () =>
  invalidParameter(`Batched logging API requests must be at most ${LIMIT} bytes.`, {
    hint: 'Split the batch into several requests.',
  });

/**
 * runs/log-batch, in a plugin of its own: its body limit is MLflow's 1 MB (or the server's, if lower), read no
 * further, and its error handler turns the body-too-large error into MLflow's answer.
 */
export const logBatchRoutes =
  (deps: TrackingDeps & { readonly bodyLimitBytes: number }): MlflowRoutes =>
  (scope: FastifyInstance) => {
    scope.setErrorHandler((error) => {
      throw (error as { code?: unknown }).code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? tooLarge() : error;
    });
    scope.post(
      '/runs/log-batch',
      { bodyLimit: Math.min(LIMIT, deps.bodyLimitBytes) },
      async (request): Promise<EmptyResponse> => {
        const body = parseBody(logBatchRequestSchema, request.body);
        await logBatch(deps, { runId: runIdOf(body), metrics: body.metrics, params: body.params, tags: body.tags });
        return {};
      },
    );
  };
