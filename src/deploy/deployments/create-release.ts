import { randomBytes } from 'node:crypto';
import { insertRelease, releaseSubject } from '../../storage/metadata/deployments/releases.js';
import { appendEvent } from '../../storage/metadata/events.js';
import { checkDeploymentModel } from './check-deployment-input.js';
import { toRelease } from './deployment-rows.js';
import { type CreateReleaseInput, checkEnvironmentName, type Release } from './deployment-types.js';
import { actorOf, clockOf, type SqlDeploymentsDeps } from './sql-deployments-deps.js';

/** Starts a release (status `running`) with a random 32-hex id, and appends `release.created` with it. */
export async function createRelease(deps: SqlDeploymentsDeps, input: CreateReleaseInput): Promise<Release> {
  const model = checkDeploymentModel(input.model);
  const target = checkEnvironmentName(input.target);
  const time = clockOf(deps);
  const row = {
    id: randomBytes(16).toString('hex'),
    model,
    version: null,
    target,
    status: 'running',
    actor: actorOf(deps),
    created_at: time,
    updated_at: time,
  };
  await deps.metadata.db.transaction().execute(async (trx) => {
    await insertRelease(trx, row);
    await appendEvent(trx, {
      time,
      actor: row.actor,
      kind: 'release.created',
      subject: releaseSubject(row.id),
      payload: { model, target },
    });
  });
  return toRelease(row);
}
