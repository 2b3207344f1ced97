import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app-deps.js';
import { mountMlflow } from './mount-mlflow.js';
import { registerPinnedArtifactRoutes } from './registry-artifact-routes.js';
import { registeredModelRoutes } from './registry-model-routes.js';
import { modelVersionRoutes } from './registry-version-routes.js';

/**
 * The MLflow model registry API under both MLflow prefixes, and the artifact proxy's read-only view of pinned
 * model trees (what get-download-uri points at).
 */
export function registerRegistryRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'metadata' | 'objects'>): void {
  mountMlflow(app, registeredModelRoutes(deps));
  mountMlflow(app, modelVersionRoutes(deps));
  registerPinnedArtifactRoutes(app, deps);
}
