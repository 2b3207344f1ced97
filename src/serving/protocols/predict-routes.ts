import type { FastifyInstance } from 'fastify';
import { feedbackRequestSchema, predictRequestSchema } from '../../contract/inference/predict.js';
import { SlipwayError } from '../../domain/errors.js';
import { parseScoringRequest } from '../../models/scoring/parse-scoring-request.js';
import { outputRecords, rowValue } from '../../models/scoring/render-predictions.js';
import { toModelFeeds } from '../../models/scoring/to-model-feeds.js';
import type { Tensor } from '../../models/tensor/tensor.js';
import { markServed, parseBody, requestContext } from '../http/route-support.js';
import type { InferenceService } from '../inference-service.js';

/** One prediction per row: a single output's value, or `{output: value}` when the model has several. */
export function rowPredictions(outputs: Readonly<Record<string, Tensor>>, rows: number): unknown[] {
  const tensors = Object.values(outputs);
  const [only] = tensors;
  if (tensors.length !== 1 || only === undefined) return outputRecords(outputs, rows);
  return Array.from({ length: rows }, (_, row) => rowValue(only, row));
}

/** `POST /predict` (rows in, one prediction per row out) and `POST /feedback` (late ground truth). */
export function registerPredictRoutes(app: FastifyInstance, service: InferenceService): void {
  app.post('/predict', { config: { serving: { inference: true, json: true } } }, async (request, reply) => {
    const body = parseBody(predictRequestSchema, request.body, 'predict');
    // Rows as lists or as records: MLflow's `instances` takes both, so its parsing and checks apply.
    const { payload } = parseScoringRequest({ instances: body.inputs });
    const answer = await service.infer(
      { ...requestContext(request), toFeeds: (served) => toModelFeeds(payload, served.model) },
      markServed(reply),
    );
    return { predictions: rowPredictions(answer.outputs, answer.rows) };
  });

  app.post('/feedback', { config: { serving: { json: true } } }, async (request) => {
    const body = parseBody(feedbackRequestSchema, request.body, 'feedback');
    const log = service.log;
    if (log === undefined) {
      throw new SlipwayError('NOT_IMPLEMENTED', 'This server keeps no prediction log, so feedback has nowhere to go.', {
        hint: 'Start it with --prediction-log <file.jsonl>.',
      });
    }
    log.feedback(body.request_id, body.label);
    return { request_id: body.request_id, recorded: true };
  });
}
