import type { IncomingMessage } from 'node:http';
import { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, fastify } from 'fastify';
import { REQUEST_ID_PATTERN } from '../../contract/inference/predict.js';
import { SlipwayError } from '../../domain/errors.js';
import type { InferenceService } from '../inference-service.js';
import { registerMlflowRoutes } from '../protocols/mlflow-routes.js';
import { registerOipRoutes } from '../protocols/oip-routes.js';
import { registerPredictRoutes } from '../protocols/predict-routes.js';
import { type DeploymentStatusSource, registerDeploymentRoute } from './deployment-route.js';
import { servingErrorReply } from './error-status.js';
import { registerBodyParsers, registerGuards, withHook } from './http-guards.js';
import { newRequestId } from './request-id.js';
import { MODEL_NAME_HEADER, MODEL_VERSION_HEADER } from './route-support.js';

export interface ServingAppOptions {
  /** Reported by GET /version and GET /v2. */
  readonly version: string;
  /** Largest request body; larger ones get 413. */
  readonly bodyLimitBytes: number;
  readonly allowedHosts: readonly string[];
  readonly logger?: FastifyBaseLogger;
  /** The followed deployment, for GET /deployment (404 without one). */
  readonly deployment?: DeploymentStatusSource;
}

export const DEFAULT_BODY_LIMIT_BYTES = 32 * 1024 * 1024;

/** The caller's X-Request-Id when it is safe to log and echo, else a new UUID. */
function requestId(raw: IncomingMessage): string {
  const given = raw.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : newRequestId();
}

function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply, log?: FastifyBaseLogger) {
  const answer = servingErrorReply(error);
  if (answer.unexpected) log?.error({ err: error, reqId: request.id }, 'request failed');
  if (answer.code === 'TEMPORARILY_UNAVAILABLE') reply.header('retry-after', '1');
  const oip = request.routeOptions.config?.serving?.errors === 'oip' || request.url.startsWith('/v2/');
  const body = oip ? { error: answer.message } : { error_code: answer.code, message: answer.message };
  return reply.code(answer.status).type('application/json; charset=utf-8').send(body);
}

const notFound = (request: FastifyRequest) =>
  new SlipwayError(
    'ENDPOINT_NOT_FOUND',
    `No endpoint ${request.method} ${(request.url.split('?', 1)[0] ?? '').slice(0, 200).replace(/[<>&"]/g, '?')}.`,
    {
      hint: 'docs/serving.md lists the endpoints.',
    },
  );

/**
 * Per-model request metrics for the inference routes (`config.serving.inference`), from the version headers the
 * route set: an onResponse hook of their own, attached once when each is added, knowing its endpoint.
 */
function registerMetricsHook(app: FastifyInstance, service: InferenceService): void {
  app.addHook('onRoute', (route) => {
    if (route.config?.serving?.inference !== true) return;
    const observe = service.metrics.endpoint(route.url);
    route.onResponse = withHook(route.onResponse, (_request, reply, done) => {
      const name = reply.getHeader(MODEL_NAME_HEADER);
      const version = reply.getHeader(MODEL_VERSION_HEADER);
      observe(
        typeof name === 'string' ? name : (service.models()[0]?.name ?? ''),
        typeof version === 'string' ? version : '',
        reply.statusCode,
        reply.elapsedTime / 1000,
      );
      done();
    });
  });
}

/** The inference server: guards, parsers, error bodies, MLflow, /predict and OIP routes, /deployment and /metrics. */
export function buildServingApp(service: InferenceService, options: ServingAppOptions): FastifyInstance {
  const app = fastify({
    // No per-request logger (a child logger per request costs more than the inference); errors go to ours.
    logger: false,
    bodyLimit: options.bodyLimitBytes,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    genReqId: requestId,
  });
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  registerGuards(app, { allowedHosts: options.allowedHosts }, { closing: () => closing });
  registerBodyParsers(app);
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply, options.logger));
  app.setNotFoundHandler((request, reply) => sendError(notFound(request), request, reply));
  registerMetricsHook(app, service);
  registerMlflowRoutes(app, service, options.version);
  registerPredictRoutes(app, service);
  registerOipRoutes(app, service, options.version);
  registerDeploymentRoute(app, options.deployment);
  app.get('/metrics', async (_request, reply) =>
    reply.type(service.metrics.contentType).send(await service.metrics.text()),
  );
  return app;
}
