import { applyDeployment } from './apply-deployment.js';
import { createRelease } from './create-release.js';
import { deleteDeployment } from './delete-deployment.js';
import type { DeploymentsClient } from './deployments-client.js';
import { getDeployment } from './get-deployment.js';
import { getRelease } from './get-release.js';
import { listDeploymentHistory } from './list-deployment-history.js';
import { listDeployments } from './list-deployments.js';
import { listReleaseSteps } from './list-release-steps.js';
import { listReleases } from './list-releases.js';
import { recordReleaseStep } from './record-release-step.js';
import type { SqlDeploymentsDeps } from './sql-deployments-deps.js';
import { updateRelease } from './update-release.js';

export type { SqlDeploymentsDeps } from './sql-deployments-deps.js';

/**
 * The deployments port over the use cases, on a metadata store (`sqlite:`/`postgresql:`). Every write and its audit
 * event commit together. `close` runs `onClose`: the opener passes the store's close; a server that owns its store
 * passes nothing.
 */
export function createSqlDeploymentsClient(
  deps: SqlDeploymentsDeps,
  onClose: () => Promise<void> = async () => {},
): DeploymentsClient {
  return {
    uri: deps.metadata.uri,
    getDeployment: (model, environment) => getDeployment(deps, model, environment),
    listDeployments: (filter) => listDeployments(deps, filter),
    applyDeployment: (input) => applyDeployment(deps, input),
    deleteDeployment: (model, environment) => deleteDeployment(deps, model, environment),
    listDeploymentHistory: (input) => listDeploymentHistory(deps, input),
    createRelease: (input) => createRelease(deps, input),
    getRelease: (id) => getRelease(deps, id),
    updateRelease: (id, input) => updateRelease(deps, id, input),
    listReleases: (filter) => listReleases(deps, filter),
    recordReleaseStep: (input) => recordReleaseStep(deps, input),
    listReleaseSteps: (id) => listReleaseSteps(deps, id),
    close: onClose,
  };
}
