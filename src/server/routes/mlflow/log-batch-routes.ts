import type { FastifyInstance } from 'fastify';
import type { EmptyResponse } from '../../../contract/mlflow/common.js';
import { logBatchRequestSchema } from '../../../contract/mlflow/logging.js';
import { invalidParameter } from '../../../domain/errors.js';
import { TRACKING_LIMITS } from '../../../tracking/limits.js';
import { type LogBatchInput, logBatch } from '../../../tracking/log-batch.js';
import type { Metric, TrackingDeps } from '../../../tracking/types.js';
import type { MlflowRoutes } from './mount-mlflow.js';
import { parseBody, runIdOf } from './parse-request.js';

const LIMIT = TRACKING_LIMITS.maxBatchRequestBytes;

/** MLflow answers an oversized batch with INVALID_PARAMETER_VALUE (400), not 413. */
const tooLarge = () =>
  invalidParameter(`Batched logging API requests must be at most ${LIMIT} bytes.`, {
    hint: 'Split the batch into several requests.',
  });

/**
 * The metrics of a log-batch body when every entry is the plain shape clients send (string key, JSON number
 * value, safe-integer timestamp and step or no step), read without zod: the answer zod would give, at a tenth of
 * its cost for 1000 entries. Anything else (NaN sent as a string, int64 as text, a wrong type) is undefined and
 * goes through the schema, which gives the exact message.
 */
export function plainMetrics(raw: unknown): Metric[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const metrics: Metric[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const entry: unknown = raw[i];
    if (typeof entry !== 'object' || entry === null) return undefined;
    const { key, value, timestamp, step = 0 } = entry as Record<string, unknown>;
    const plain =
      typeof key === 'string' &&
      typeof value === 'number' &&
      Number.isSafeInteger(timestamp) &&
      Number.isSafeInteger(step);
    if (!plain) return undefined;
    metrics[i] = { key, value, timestamp: timestamp as number, step: step as number };
  }
  return metrics;
}

/** The request as the use case takes it: metrics through the fast path when they are plain, the rest by zod. */
export function parseLogBatch(body: unknown): LogBatchInput {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const metrics = plainMetrics(fields.metrics);
  const rest = parseBody(logBatchRequestSchema, metrics === undefined ? body : { ...fields, metrics: undefined });
  return { runId: runIdOf(rest), metrics: metrics ?? rest.metrics, params: rest.params, tags: rest.tags };
}

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
        await logBatch(deps, parseLogBatch(request.body));
        return {};
      },
    );
  };
