import type { FastifyInstance } from 'fastify';
import { feedbackRequestSchema, predictRequestSchema } from '../../contract/inference/predict.js';
import { SlipwayError } from '../../domain/errors.js';
import { parseScoringRequest, type ScoringPayload } from '../../models/scoring/parse-scoring-request.js';
import { DEFAULT_SCORING_LIMITS } from '../../models/scoring/scoring-error.js';
import { toModelFeeds } from '../../models/scoring/to-model-feeds.js';
import type { ServedVersion } from '../engine/served-version.js';
import { markServed, parseBody, requestContext } from '../http/route-support.js';
import type { InferenceService } from '../inference-service.js';
import { predictionsJson } from './predict-json.js';
import { listRows, numericRowFeeds } from './predict-rows.js';

export { rowPredictions } from './predict-json.js';

const JSON_UTF8 = 'application/json; charset=utf-8';

/** `POST /predict` (rows in, one prediction per row out) and `POST /feedback` (late ground truth). */
export function registerPredictRoutes(app: FastifyInstance, service: InferenceService): void {
  app.post('/predict', { config: { serving: { inference: true, json: true } } }, async (request, reply) => {
    // Lists of values (most requests) skip the schema, which would accept them as they are.
    const rows = listRows(request.body);
    const inputs = rows ?? parseBody(predictRequestSchema, request.body, 'predict').inputs;
    // Rows as lists or as records: MLflow's `instances` takes both, so its parsing and checks apply. Lists can
    // only break its row limit; below it, the payload is needed only when the fast conversion does not apply.
    let payload: ScoringPayload | undefined;
    const scoring = () => {
      payload ??= parseScoringRequest({ instances: inputs }).payload;
      return payload;
    };
    if (rows === undefined || rows.length > DEFAULT_SCORING_LIMITS.maxRows) scoring();
    const toFeeds = (served: ServedVersion) =>
      (rows === undefined ? undefined : numericRowFeeds(rows, served.model)) ?? toModelFeeds(scoring(), served.model);
    const answer = await service.infer({ ...requestContext(request), toFeeds }, markServed(reply));
    // Written straight from the tensors: the same text JSON.stringify would give, without the objects.
    return reply.type(JSON_UTF8).send(predictionsJson(answer.outputs, answer.rows));
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
