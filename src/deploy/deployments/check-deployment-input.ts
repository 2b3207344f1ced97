import { invalidParameter } from '../../domain/errors.js';
import { parseModelName } from '../../domain/model-name.js';
import { serializePayload } from '../../storage/metadata/json-payload.js';
import {
  type ApplyDeploymentInput,
  checkDeploymentPolicy,
  checkDeploymentTarget,
  checkEnvironmentName,
  DEPLOYMENT_ACTIONS,
  type DeploymentAction,
  type DeploymentPolicy,
  type DeploymentTarget,
  RELEASE_STATUSES,
  RELEASE_STEP_STATUSES,
  RELEASE_STEPS,
  type RecordReleaseStepInput,
  type ReleaseStatus,
  type ReleaseStepName,
  type ReleaseStepStatus,
  type UpdateReleaseInput,
} from './deployment-types.js';

/** Bounds of deployment and release fields (characters) and of pages. */
export const DEPLOYMENT_LIMITS = Object.freeze({
  reason: 2000,
  historyPage: 100,
  maxHistoryPage: 1000,
  releasesPage: 100,
  maxReleasesPage: 1000,
});

const RELEASE_ID = /^[0-9a-f]{32}$/;
const VERSION = /^[1-9]\d{0,17}$/;
/** Control characters other than line feeds and tabs (which a reason may contain). */
const CONTROL = /[\p{Cc}\p{Cs}]/u;

const oneOf = <T extends string>(list: readonly T[], value: unknown, field: string): T => {
  if (typeof value === 'string' && (list as readonly string[]).includes(value)) return value as T;
  const shown = typeof value === 'string' ? `'${value.slice(0, 64)}'` : typeof value;
  throw invalidParameter(`Invalid ${field} ${shown}: must be one of ${list.join(', ')}.`);
};

/** A registered model name (the registry's rules: no "/", no control characters, at most 256 characters). */
export const checkDeploymentModel = (model: string, field = 'model'): string => parseModelName(model, field).name;

export const checkDeploymentAction = (action: unknown): DeploymentAction => oneOf(DEPLOYMENT_ACTIONS, action, 'action');
export const checkReleaseStatus = (status: unknown): ReleaseStatus => oneOf(RELEASE_STATUSES, status, 'status');
const checkStepName = (step: unknown): ReleaseStepName => oneOf(RELEASE_STEPS, step, 'step');
const checkStepStatus = (status: unknown): ReleaseStepStatus => oneOf(RELEASE_STEP_STATUSES, status, 'step status');

/** A release id: 32 lower-case hex characters. */
export function checkReleaseId(id: string, field = 'release id'): string {
  if (RELEASE_ID.test(id)) return id;
  throw invalidParameter(`Invalid ${field} '${id.slice(0, 64)}': must be 32 lower-case hex characters.`, {
    hint: 'Release ids are printed by `slipway release` and listed by GET /api/v1/releases.',
  });
}

/** A registry version number as MLflow writes it ("3"). */
export function checkRegistryVersion(version: string, field = 'version'): string {
  if (VERSION.test(version)) return version;
  throw invalidParameter(`Invalid ${field} '${version.slice(0, 64)}': must be a registry version number, e.g. "3".`);
}

function checkReason(reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  if (reason.length > DEPLOYMENT_LIMITS.reason) {
    throw invalidParameter(`The reason is ${reason.length} characters; at most ${DEPLOYMENT_LIMITS.reason} are kept.`);
  }
  if (CONTROL.test(reason.replace(/[\n\t]/g, '')))
    throw invalidParameter('The reason must not contain control characters.');
  return reason;
}

function checkExpectedRevision(revision: number | undefined): number | undefined {
  if (revision === undefined || (Number.isSafeInteger(revision) && revision >= 0)) return revision;
  throw invalidParameter(`Invalid expected revision ${revision}: must be 0 or a revision number.`);
}

/** A validated deployment change; `target` stays undefined when the caller keeps the current one. */
export interface CheckedDeploymentChange {
  readonly model: string;
  readonly environment: string;
  readonly target: DeploymentTarget | undefined;
  readonly policy: DeploymentPolicy;
  readonly action: DeploymentAction;
  readonly reason: string | undefined;
  readonly releaseId: string | undefined;
  readonly expectedRevision: number | undefined;
}

/** Validates every field of a deployment change, naming the first problem. */
export function checkApplyDeployment(input: ApplyDeploymentInput): CheckedDeploymentChange {
  return {
    model: checkDeploymentModel(input.model),
    environment: checkEnvironmentName(input.environment),
    target: input.target === undefined ? undefined : checkDeploymentTarget(input.target),
    policy: checkDeploymentPolicy(input.policy),
    action: checkDeploymentAction(input.action),
    reason: checkReason(input.reason),
    releaseId: input.releaseId === undefined ? undefined : checkReleaseId(input.releaseId, 'release_id'),
    expectedRevision: checkExpectedRevision(input.expectedRevision),
  };
}

export function checkUpdateRelease(input: UpdateReleaseInput): UpdateReleaseInput {
  return {
    status: input.status === undefined ? undefined : checkReleaseStatus(input.status),
    version: input.version === undefined ? undefined : checkRegistryVersion(input.version),
  };
}

/** A validated step; `details` is a copy of the caller's object (a JSON object of at most 1 MiB). */
export function checkReleaseStep(input: RecordReleaseStepInput): RecordReleaseStepInput & {
  readonly details: Readonly<Record<string, unknown>>;
} {
  const details = JSON.parse(serializePayload(input.details ?? {}, 'details')) as Record<string, unknown>;
  return {
    releaseId: checkReleaseId(input.releaseId),
    step: checkStepName(input.step),
    status: checkStepStatus(input.status),
    environment: input.environment === undefined ? undefined : checkEnvironmentName(input.environment),
    details,
  };
}

/** A page size: `fallback` when absent, else 1 to `max`. */
export function checkMaxResults(maxResults: number | undefined, fallback: number, max: number): number {
  if (maxResults === undefined) return fallback;
  if (Number.isSafeInteger(maxResults) && maxResults >= 1 && maxResults <= max) return maxResults;
  throw invalidParameter(`Invalid max_results ${maxResults}: must be an integer from 1 to ${max}.`);
}
