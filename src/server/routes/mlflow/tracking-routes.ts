import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app-deps.js';
import { experimentRoutes } from './experiment-routes.js';
import { logBatchRoutes } from './log-batch-routes.js';
import { loggingRoutes } from './logging-routes.js';
import { mountMlflow } from './mount-mlflow.js';
import { runRoutes } from './run-routes.js';

/** The MLflow tracking API (experiments, runs, logging, metric history) under both MLflow prefixes. */
export function registerTrackingRoutes(app: FastifyInstance, deps: AppDeps): void {
  mountMlflow(app, experimentRoutes(deps));
  mountMlflow(app, runRoutes(deps));
  mountMlflow(app, loggingRoutes(deps));
  mountMlflow(app, logBatchRoutes({ ...deps, bodyLimitBytes: deps.config.server.bodyLimitBytes }));
}
