import { selectDeployments } from '../../storage/metadata/deployments/deployments.js';
import { checkDeploymentModel } from './check-deployment-input.js';
import { toDeployment } from './deployment-rows.js';
import { checkEnvironmentName, type Deployment } from './deployment-types.js';
import type { DeploymentFilter } from './deployments-client.js';
import type { SqlDeploymentsDeps } from './sql-deployments-deps.js';

/** Every deployment matching the filter, ordered by model then environment (code point order). */
export async function listDeployments(
  deps: Pick<SqlDeploymentsDeps, 'metadata'>,
  filter: DeploymentFilter = {},
): Promise<Deployment[]> {
  const rows = await selectDeployments(deps.metadata.db, {
    model: filter.model === undefined ? undefined : checkDeploymentModel(filter.model),
    environment: filter.environment === undefined ? undefined : checkEnvironmentName(filter.environment),
  });
  return rows.map(toDeployment);
}
