import { releaseSubject } from '../../storage/metadata/deployments/releases.js';
import { appendEvent } from '../../storage/metadata/events.js';
import { checkReleaseStep } from './check-deployment-input.js';
import type { RecordReleaseStepInput, ReleaseStep } from './deployment-types.js';
import { requireRelease } from './get-release.js';
import { actorOf, clockOf, type SqlDeploymentsDeps } from './sql-deployments-deps.js';

/** Records a step of a release as the audit event `release.<step>.<status>` about `releases/<id>`. */
export async function recordReleaseStep(deps: SqlDeploymentsDeps, input: RecordReleaseStepInput): Promise<ReleaseStep> {
  const step = checkReleaseStep(input);
  const recorded: ReleaseStep = {
    releaseId: step.releaseId,
    step: step.step,
    status: step.status,
    ...(step.environment === undefined ? {} : { environment: step.environment }),
    details: step.details,
    actor: actorOf(deps),
    time: clockOf(deps),
  };
  await deps.metadata.db.transaction().execute(async (trx) => {
    await requireRelease(trx, step.releaseId, true);
    await appendEvent(trx, {
      time: recorded.time,
      actor: recorded.actor,
      kind: `release.${step.step}.${step.status}`,
      subject: releaseSubject(step.releaseId),
      payload: {
        release_id: step.releaseId,
        step: step.step,
        status: step.status,
        ...(step.environment === undefined ? {} : { environment: step.environment }),
        details: step.details,
      },
    });
  });
  return recorded;
}
