import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseScoringRequest, type ScoringPayload } from '../../models/scoring/parse-scoring-request.js';
import { mlflowPredictions } from '../../models/scoring/render-predictions.js';
import { shown } from '../../models/scoring/scoring-error.js';
import { toModelFeeds } from '../../models/scoring/to-model-feeds.js';
import { markServed, requestContext } from '../http/route-support.js';
import type { InferenceService } from '../inference-service.js';
import { csvFrame } from './csv-frame.js';

const CSV = 'text/csv';
const JSON_TYPE = 'application/json';

/** MLflow's pointer to its 2.0 protocol change, sent with content-type refusals as its scoring server does. */
const PROTOCOL_CHANGE =
  'IMPORTANT: The MLflow Model scoring protocol has changed in MLflow version 2.0. If you are seeing this error, ' +
  'you are likely using an outdated scoring request format. To resolve the error, either update your request ' +
  "format or adjust your MLflow Model's requirements file to specify an older version of MLflow (for example, " +
  "change the 'mlflow' requirement specifier to 'mlflow==1.30.0'). If you are making a request using the MLflow " +
  'client (e.g. via `mlflow.pyfunc.spark_udf()`), upgrade your MLflow client to a version >= 2.0 in order to use ' +
  'the new request format. For more information about the updated MLflow Model scoring protocol in MLflow 2.0, ' +
  'see https://mlflow.org/docs/latest/models.html#deploy-mlflow-models.';

/** Printable ASCII only, quoted and cut like every echoed value: a header never comes back as markup. */
const echo = (value: string): string => shown(value.replace(/[^\x20-\x7e]/g, '?')).slice(1, -1);

/**
 * The 415 answers of MLflow's scoring server (text/plain, checked in its order: charset, parameters, media
 * type), or undefined when the Content-Type is accepted.
 */
export function mlflowContentTypeRefusal(contentType: string | undefined): string | undefined {
  const [mime = '', ...pairs] = (contentType ?? '').split(';').map((part) => part.trim());
  const parameters = new Map(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      return at === -1 ? [pair.toLowerCase(), ''] : [pair.slice(0, at).trim().toLowerCase(), pair.slice(at + 1).trim()];
    }),
  );
  if ((parameters.get('charset') ?? 'utf-8').toLowerCase().replace(/^"|"$/g, '') !== 'utf-8') {
    return 'The scoring server only supports UTF-8';
  }
  const unexpected = [...parameters.keys()].filter((key) => key !== 'charset');
  if (unexpected.length > 0) {
    return `Unrecognized content type parameters: ${unexpected.map(echo).join(', ')}. ${PROTOCOL_CHANGE}`;
  }
  const type = mime.toLowerCase();
  if (type === CSV || type === JSON_TYPE) return undefined;
  return `This predictor only supports the following content types: Types: ['${CSV}', '${JSON_TYPE}']. Got '${echo(contentType ?? '')}'.`;
}

async function refuseContentType(request: FastifyRequest, reply: FastifyReply) {
  const refusal = mlflowContentTypeRefusal(request.headers['content-type']);
  if (refusal !== undefined) return reply.code(415).type('text/plain; charset=utf-8').send(refusal);
}

const isCsv = (request: FastifyRequest) => (request.headers['content-type'] ?? '').trim().toLowerCase().startsWith(CSV);

/** `GET /ping`, `GET /health`, `GET /version` and `POST /invocations`: MLflow's scoring server. */
export function registerMlflowRoutes(app: FastifyInstance, service: InferenceService, version: string): void {
  const health = async (_request: FastifyRequest, reply: FastifyReply) =>
    reply
      .code(service.ready ? 200 : 404)
      .type(JSON_TYPE)
      .send('\n');
  app.get('/ping', health);
  app.get('/health', health);
  app.get('/version', async (_request, reply) => reply.type('text/plain; charset=utf-8').send(version));
  app.post(
    '/invocations',
    { config: { serving: { inference: true } }, onRequest: refuseContentType },
    async (request, reply) => {
      const csv = isCsv(request);
      let payload: ScoringPayload | undefined = csv ? undefined : parseScoringRequest(request.body).payload;
      const answer = await service.infer(
        {
          ...requestContext(request),
          toFeeds: (served) => {
            payload ??= csvFrame(String(request.body ?? ''), served.model.signature);
            return toModelFeeds(payload, served.model);
          },
        },
        markServed(reply),
      );
      return { predictions: mlflowPredictions(payload as ScoringPayload, answer.outputs, answer.rows) };
    },
  );
}
