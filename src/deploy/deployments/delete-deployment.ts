import { enqueueWebhookDeliveries } from '../../registry/webhooks/enqueue-webhook-deliveries.js';
import { deleteDeploymentRows, deploymentSubject } from '../../storage/metadata/deployments/deployments.js';
import { appendEvent } from '../../storage/metadata/events.js';
import { checkDeploymentModel } from './check-deployment-input.js';
import { notDeployed } from './deployment-errors.js';
import { checkEnvironmentName } from './deployment-types.js';
import { actorOf, clockOf, type SqlDeploymentsDeps } from './sql-deployments-deps.js';

/**
 * Removes a deployment and its revision rows, and appends `deployment.deleted` in the same transaction; the
 * audit log keeps every revision's event. A later deploy starts again at revision 1.
 */
export async function deleteDeployment(deps: SqlDeploymentsDeps, model: string, environment: string): Promise<void> {
  const name = checkDeploymentModel(model);
  const env = checkEnvironmentName(environment);
  await deps.metadata.db.transaction().execute(async (trx) => {
    const deleted = await deleteDeploymentRows(trx, name, env);
    if (deleted === undefined) throw notDeployed(name, env);
    const event = await appendEvent(trx, {
      time: clockOf(deps),
      actor: actorOf(deps),
      kind: 'deployment.deleted',
      subject: deploymentSubject(name, env),
      payload: { model: name, environment: env, revision: deleted.revision },
    });
    await enqueueWebhookDeliveries(trx, event);
  });
}
