import { enqueueWebhookDeliveries } from '../../registry/webhooks/enqueue-webhook-deliveries.js';
import { releaseSubject, updateReleaseRow } from '../../storage/metadata/deployments/releases.js';
import { appendEvent } from '../../storage/metadata/events.js';
import { checkUpdateRelease } from './check-deployment-input.js';
import { toRelease } from './deployment-rows.js';
import type { Release, UpdateReleaseInput } from './deployment-types.js';
import { requireRelease } from './get-release.js';
import { actorOf, clockOf, type SqlDeploymentsDeps } from './sql-deployments-deps.js';

/** Sets a release's status and/or version; appends `release.updated` with before and after when either changes. */
export async function updateRelease(deps: SqlDeploymentsDeps, id: string, input: UpdateReleaseInput): Promise<Release> {
  const change = checkUpdateRelease(input);
  return deps.metadata.db.transaction().execute(async (trx) => {
    const before = await requireRelease(trx, id, true);
    const time = clockOf(deps);
    const after = await updateReleaseRow(trx, before.id, { ...change, updated_at: time });
    if (after === undefined) return toRelease(before);
    if (after.status !== before.status || after.version !== before.version) {
      const event = await appendEvent(trx, {
        time,
        actor: actorOf(deps),
        kind: 'release.updated',
        subject: releaseSubject(before.id),
        payload: {
          model: before.model,
          target: before.target,
          before: { status: before.status, version: before.version },
          after: { status: after.status, version: after.version },
        },
      });
      await enqueueWebhookDeliveries(trx, event);
    }
    return toRelease(after);
  });
}
