import type { FastifyInstance } from 'fastify';

/** Where MLflow clients reach the tracking API: the REST prefix and the one MLflow's web UI uses. */
export const MLFLOW_PREFIXES = ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow'] as const;

/** Registers routes relative to an MLflow prefix (`/runs/get`, not `/api/2.0/mlflow/runs/get`). */
export type MlflowRoutes = (scope: FastifyInstance) => void | Promise<void>;

/**
 * Mounts `routes` once under each MLflow prefix, each time as its own encapsulated Fastify plugin: hooks, parsers
 * and error handlers added inside stay inside. Close over dependencies:
 * `mountMlflow(app, (scope) => { scope.post('/runs/search', …) })`.
 */
export function mountMlflow(app: FastifyInstance, routes: MlflowRoutes): void {
  for (const prefix of MLFLOW_PREFIXES) {
    app.register(
      async (scope) => {
        await routes(scope);
      },
      { prefix },
    );
  }
}
