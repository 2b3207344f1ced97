import { SlipwayError } from '../../domain/errors.js';
import { enqueueWebhookDeliveries } from '../../registry/webhooks/enqueue-webhook-deliveries.js';
import {
  deploymentSubject,
  insertDeployment,
  insertDeploymentRevision,
  type NewRevisionRow,
  selectDeployment,
  updateDeployment,
} from '../../storage/metadata/deployments/deployments.js';
import { appendEvent } from '../../storage/metadata/events.js';
import type { DeploymentRow } from '../../storage/metadata/schema.js';
import type { Db } from '../../storage/metadata/tracking/db.js';
import { type CheckedDeploymentChange, checkApplyDeployment } from './check-deployment-input.js';
import { notDeployed, staleRevision } from './deployment-errors.js';
import { plainJson, toRevision } from './deployment-rows.js';
import type { ApplyDeploymentInput, Deployment } from './deployment-types.js';
import { actorOf, clockOf, type SqlDeploymentsDeps } from './sql-deployments-deps.js';

/** Rounds of read-then-compare-and-set before giving up on a deployment that keeps moving under us. */
const MAX_ATTEMPTS = 16;

/**
 * Writes the next revision of a deployment, its history row and its `deployment.<action>` audit event in one
 * transaction. The deployment row is moved with a compare-and-set on its revision (an insert that yields to a
 * concurrent creator, or an update from the revision just read): of two writers that read the same revision
 * exactly one moves it. The other reads again and, with `expectedRevision`, fails with RESOURCE_CONFLICT (nothing
 * written); without it, it writes the revision after the winner's.
 */
export async function applyDeployment(deps: SqlDeploymentsDeps, input: ApplyDeploymentInput): Promise<Deployment> {
  const change = checkApplyDeployment(input);
  return deps.metadata.db.transaction().execute(async (trx) => {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const written = await tryApply(trx, deps, change);
      if (written !== undefined) return written;
    }
    throw new SlipwayError('ABORTED', `The deployment ${change.model}/${change.environment} kept changing.`, {
      hint: 'Too many concurrent writers; retry.',
    });
  });
}

async function tryApply(
  trx: Db,
  deps: SqlDeploymentsDeps,
  change: CheckedDeploymentChange,
): Promise<Deployment | undefined> {
  const before = await selectDeployment(trx, change.model, change.environment);
  const at = before?.revision ?? 0;
  if (change.expectedRevision !== undefined && change.expectedRevision !== at) {
    throw staleRevision(change.model, change.environment, at, change.expectedRevision);
  }
  const row = nextRevision(deps, change, before);
  const moved = before === undefined ? await insertDeployment(trx, row) : await updateDeployment(trx, row, at);
  if (!moved) return undefined;
  await insertDeploymentRevision(trx, row);
  const event = await appendEvent(trx, {
    time: row.time,
    actor: row.actor,
    kind: `deployment.${change.action}`,
    subject: deploymentSubject(change.model, change.environment),
    payload: eventPayload(row, change, at),
  });
  await enqueueWebhookDeliveries(trx, event);
  return { ...toRevision(row, row.time), createdAt: before?.created_at ?? row.time };
}

function nextRevision(
  deps: SqlDeploymentsDeps,
  change: CheckedDeploymentChange,
  before: DeploymentRow | undefined,
): NewRevisionRow {
  const target = change.target === undefined ? before?.target : JSON.stringify(plainJson(change.target));
  if (target === undefined) throw notDeployed(change.model, change.environment);
  return {
    model: change.model,
    environment: change.environment,
    revision: (before?.revision ?? 0) + 1,
    target,
    policy: JSON.stringify(plainJson(change.policy)),
    action: change.action,
    reason: change.reason ?? null,
    release_id: change.releaseId ?? null,
    actor: actorOf(deps),
    time: clockOf(deps),
  };
}

/** What the audit log keeps of a revision: enough to answer "what served where, from when, and why". */
function eventPayload(row: NewRevisionRow, change: CheckedDeploymentChange, previous: number) {
  return {
    model: row.model,
    environment: row.environment,
    revision: row.revision,
    previous_revision: previous === 0 ? null : previous,
    action: row.action,
    target: JSON.parse(row.target) as Record<string, unknown>,
    policy: JSON.parse(row.policy) as Record<string, unknown>,
    ...(change.reason === undefined ? {} : { reason: change.reason }),
    ...(change.releaseId === undefined ? {} : { release_id: change.releaseId }),
  };
}
