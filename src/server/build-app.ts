import { randomUUID } from 'node:crypto';
import { type FastifyInstance, fastify } from 'fastify';
import type { AppDeps } from './app-deps.js';
import { clientErrorHandler } from './client-error-handler.js';
import { frameworkErrorHandler, registerErrorHandler } from './error-handler.js';
import { registerJsonBodyParser } from './json-body-parser.js';
import { registerRequestGuards } from './request-guards.js';
import { registerDeploymentRoutes } from './routes/deployment-routes.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerRunArtifactRoutes } from './routes/mlflow/artifact-routes.js';
import { registerRegistryRoutes } from './routes/mlflow/registry-routes.js';
import { registerSearchRoutes } from './routes/mlflow/search-routes.js';
import { registerTrackingRoutes } from './routes/mlflow/tracking-routes.js';
import { registerMlflowArtifactsRoutes } from './routes/mlflow-artifacts-routes.js';
import { registerModelRoutes } from './routes/model-routes.js';
import { registerObjectRoutes } from './routes/object-routes.js';
import { registerPredictionRoutes } from './routes/prediction-routes.js';
import { registerSupervisorRoutes } from './routes/supervisor-routes.js';
import { registerWebhookRoutes } from './routes/webhook-routes.js';
import { registerSecurityHeaders } from './security-headers.js';

/**
 * The control-plane app: guards, parsers, error envelope and routes. Never listens (server/main.ts does;
 * tests use `app.inject()`). The stores in `deps` belong to the caller, which closes them.
 */
export function buildApp(deps: AppDeps): FastifyInstance {
  const app = fastify({
    ...(deps.logger === undefined ? { logger: false } : { loggerInstance: deps.logger }),
    bodyLimit: deps.config.server.bodyLimitBytes,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    genReqId: () => randomUUID(),
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  });
  registerSecurityHeaders(app);
  registerRequestGuards(app, { ...deps.config.server, auth: deps.auth });
  registerJsonBodyParser(app);
  registerErrorHandler(app);
  registerHealthRoutes(app, deps);
  registerTrackingRoutes(app, deps);
  registerSearchRoutes(app, deps);
  registerObjectRoutes(app, deps);
  registerMlflowArtifactsRoutes(app, deps);
  registerRunArtifactRoutes(app, deps);
  registerWebhookRoutes(app, deps);
  registerRegistryRoutes(app, deps);
  registerModelRoutes(app, deps);
  registerPredictionRoutes(app, deps);
  registerSupervisorRoutes(app, deps);
  registerDeploymentRoutes(app, deps);
  return app;
}
