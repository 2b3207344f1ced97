import { releaseSubject } from '../../storage/metadata/deployments/releases.js';
import { type AuditEvent, EVENT_LIMITS, listEvents } from '../../storage/metadata/events.js';
import {
  RELEASE_STEP_STATUSES,
  RELEASE_STEPS,
  type ReleaseStep,
  type ReleaseStepName,
  type ReleaseStepStatus,
} from './deployment-types.js';
import { requireRelease } from './get-release.js';
import type { SqlDeploymentsDeps } from './sql-deployments-deps.js';

const STEP_KIND = /^release\.([a-z_]+)\.([a-z_]+)$/;

/** A step event back as a step; other events about the release (`release.created`, `release.updated`) are not. */
function toStep(event: AuditEvent): ReleaseStep | undefined {
  const [, step, status] = STEP_KIND.exec(event.kind) ?? [];
  if (!(RELEASE_STEPS as readonly (string | undefined)[]).includes(step)) return undefined;
  if (!(RELEASE_STEP_STATUSES as readonly (string | undefined)[]).includes(status)) return undefined;
  const { environment, details } = event.payload;
  return {
    releaseId: String(event.payload.release_id),
    step: step as ReleaseStepName,
    status: status as ReleaseStepStatus,
    ...(typeof environment === 'string' ? { environment } : {}),
    details: typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : {},
    actor: event.actor,
    time: event.time,
  };
}

/** A release's steps, oldest first, read from the audit log. */
export async function listReleaseSteps(deps: Pick<SqlDeploymentsDeps, 'metadata'>, id: string): Promise<ReleaseStep[]> {
  const { db } = deps.metadata;
  const release = await requireRelease(db, id);
  const steps: ReleaseStep[] = [];
  let afterId: number | undefined;
  for (;;) {
    const page = await listEvents(db, { subject: releaseSubject(release.id), limit: EVENT_LIMITS.page, afterId });
    steps.push(...page.flatMap((event) => toStep(event) ?? []));
    const last = page.at(-1);
    if (page.length < EVENT_LIMITS.page || last === undefined) return steps;
    afterId = last.id;
  }
}
