import type { FastifyInstance } from 'fastify';
import { predictionBatchSchema } from '../../contract/inference/predictions-api.js';
import { recordPredictions } from '../../serving/log/record-predictions.js';
import type { AppDeps } from '../app-deps.js';
import { parseBody } from './mlflow/parse-request.js';

/** `POST /api/v1/predictions`: a batch of prediction-log entries from `slipway serve`, stored in the metadata DB. */
export function registerPredictionRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post('/api/v1/predictions', async (request) =>
    recordPredictions(deps.metadata, parseBody(predictionBatchSchema, request.body)),
  );
}
