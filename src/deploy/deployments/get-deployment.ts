import { selectDeployment } from '../../storage/metadata/deployments/deployments.js';
import { checkDeploymentModel } from './check-deployment-input.js';
import { toDeployment } from './deployment-rows.js';
import { checkEnvironmentName, type Deployment } from './deployment-types.js';
import type { SqlDeploymentsDeps } from './sql-deployments-deps.js';

/** The deployment of a model in an environment, or undefined when there is none. */
export async function getDeployment(
  deps: Pick<SqlDeploymentsDeps, 'metadata'>,
  model: string,
  environment: string,
): Promise<Deployment | undefined> {
  const row = await selectDeployment(deps.metadata.db, checkDeploymentModel(model), checkEnvironmentName(environment));
  return row === undefined ? undefined : toDeployment(row);
}
