import type {
  DeploymentMessage,
  PolicyMessage,
  ReleaseMessage,
  ReleaseStepMessage,
  RevisionMessage,
  TargetMessage,
} from '../../contract/deployments-api.js';
import type {
  Deployment,
  DeploymentPolicy,
  DeploymentRevision,
  DeploymentTarget,
  Release,
  ReleaseStep,
} from './deployment-types.js';

/**
 * Deployments and releases to and from their wire messages (contract/deployments-api.ts): snake_case names,
 * absent optional fields left out. The server renders with the `…Message` functions, the HTTP client parses with
 * the `from…` ones; both go through here so the two sides cannot drift.
 */
const some = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

export const targetMessage = (target: DeploymentTarget): TargetMessage => ({
  kind: target.kind,
  ...some('host', target.host),
  ...some('port', target.port),
  ...some('replicas', target.replicas),
  ...some('url', target.url),
  ...some('namespace', target.namespace),
});

export const fromTargetMessage = (message: TargetMessage): DeploymentTarget => targetMessage(message);

export const policyMessage = (policy: DeploymentPolicy): PolicyMessage => ({
  routes: policy.routes.map((route) => ({ version: route.version, weight: route.weight })),
  ...some('sticky_header', policy.stickyHeader),
  ...some('shadow', policy.shadow === undefined ? undefined : [...policy.shadow]),
});

export const fromPolicyMessage = (message: PolicyMessage): DeploymentPolicy => ({
  routes: message.routes,
  ...some('stickyHeader', message.sticky_header),
  ...some('shadow', message.shadow),
});

export const revisionMessage = (revision: DeploymentRevision): RevisionMessage => ({
  model: revision.model,
  environment: revision.environment,
  revision: revision.revision,
  target: targetMessage(revision.target),
  policy: policyMessage(revision.policy),
  action: revision.action,
  ...some('reason', revision.reason),
  ...some('release_id', revision.releaseId),
  actor: revision.actor,
  time: revision.time,
});

export const fromRevisionMessage = (message: RevisionMessage): DeploymentRevision => ({
  model: message.model,
  environment: message.environment,
  revision: message.revision,
  target: fromTargetMessage(message.target),
  policy: fromPolicyMessage(message.policy),
  action: message.action,
  ...some('reason', message.reason),
  ...some('releaseId', message.release_id),
  actor: message.actor,
  time: message.time,
});

export const deploymentMessage = (deployment: Deployment): DeploymentMessage => ({
  ...revisionMessage(deployment),
  created_at: deployment.createdAt,
});

export const fromDeploymentMessage = (message: DeploymentMessage): Deployment => ({
  ...fromRevisionMessage(message),
  createdAt: message.created_at,
});

export const releaseMessage = (release: Release): ReleaseMessage => ({
  id: release.id,
  model: release.model,
  ...some('version', release.version),
  target: release.target,
  status: release.status,
  actor: release.actor,
  created_at: release.createdAt,
  updated_at: release.updatedAt,
});

export const fromReleaseMessage = (message: ReleaseMessage): Release => ({
  id: message.id,
  model: message.model,
  ...some('version', message.version),
  target: message.target,
  status: message.status,
  actor: message.actor,
  createdAt: message.created_at,
  updatedAt: message.updated_at,
});

export const releaseStepMessage = (step: ReleaseStep): ReleaseStepMessage => ({
  release_id: step.releaseId,
  step: step.step,
  status: step.status,
  ...some('environment', step.environment),
  details: { ...step.details },
  actor: step.actor,
  time: step.time,
});

export const fromReleaseStepMessage = (message: ReleaseStepMessage): ReleaseStep => ({
  releaseId: message.release_id,
  step: message.step,
  status: message.status,
  ...some('environment', message.environment),
  details: message.details,
  actor: message.actor,
  time: message.time,
});
