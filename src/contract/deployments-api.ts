import { z } from 'zod';

/**
 * The native deployments and releases API of `slipway server` (docs/deployments.md). Path segments are
 * percent-encoded by clients (registered model names may hold spaces, `%`, `?`, `#`…) and decoded, then validated,
 * by the server.
 *   GET    /api/v1/deployments[?model=&environment=]                {deployments}
 *   GET    /api/v1/deployments/{model}/{environment}                {deployment}; 404 RESOURCE_DOES_NOT_EXIST
 *   PUT    /api/v1/deployments/{model}/{environment}                apply the next revision → {deployment}
 *   DELETE /api/v1/deployments/{model}/{environment}                204
 *   GET    /api/v1/deployments/{model}/{environment}/history        {revisions, next_page_token?} newest first
 *   POST   /api/v1/releases                                         201 {release}
 *   GET    /api/v1/releases[?model=&status=&max_results=]           {releases} newest first
 *   GET    /api/v1/releases/{id}                                    {release}
 *   PATCH  /api/v1/releases/{id}                                    {release}
 *   POST   /api/v1/releases/{id}/steps                              201 {step}
 *   GET    /api/v1/releases/{id}/steps                              {steps} oldest first
 */
export const DEPLOYMENTS_API_PATH = '/api/v1/deployments';
export const RELEASES_API_PATH = '/api/v1/releases';

/** The wire's closed sets; the same lists as deploy/deployments/deployment-types.ts (a test keeps them equal). */
export const WIRE_TARGET_KINDS = ['local', 'docker', 'kubernetes'] as const;
export const WIRE_DEPLOYMENT_ACTIONS = ['deploy', 'promote', 'canary', 'rollback', 'release'] as const;
export const WIRE_RELEASE_STEPS = [
  'repro',
  'register',
  'gates',
  'deploy',
  'smoke',
  'approval',
  'rollout',
  'rollback',
  'done',
] as const;
export const WIRE_RELEASE_STEP_STATUSES = ['started', 'passed', 'failed', 'skipped', 'waiting'] as const;
export const WIRE_RELEASE_STATUSES = ['running', 'awaiting_approval', 'succeeded', 'failed', 'rolled_back'] as const;

const text = z.string({ error: 'must be a string' });
const number = z.number({ error: 'must be a number' });

export const targetMessageSchema = z.strictObject({
  kind: z.enum(WIRE_TARGET_KINDS, { error: `must be one of ${WIRE_TARGET_KINDS.join(', ')}` }),
  host: text.optional(),
  port: number.optional(),
  replicas: number.optional(),
  url: text.optional(),
  namespace: text.optional(),
});

export const policyMessageSchema = z.strictObject({
  routes: z.array(z.strictObject({ version: text, weight: number }), { error: 'must be a list of routes' }),
  sticky_header: text.optional(),
  shadow: z.array(text, { error: 'must be a list of versions' }).optional(),
});

export type TargetMessage = z.infer<typeof targetMessageSchema>;
export type PolicyMessage = z.infer<typeof policyMessageSchema>;

const actionSchema = z.enum(WIRE_DEPLOYMENT_ACTIONS, { error: `must be one of ${WIRE_DEPLOYMENT_ACTIONS.join(', ')}` });

export const revisionMessageSchema = z.object({
  model: z.string(),
  environment: z.string(),
  revision: z.number(),
  target: targetMessageSchema,
  policy: policyMessageSchema,
  action: actionSchema,
  reason: z.string().optional(),
  release_id: z.string().optional(),
  actor: z.string(),
  time: z.number(),
});

export const deploymentMessageSchema = revisionMessageSchema.extend({ created_at: z.number() });

export type RevisionMessage = z.infer<typeof revisionMessageSchema>;
export type DeploymentMessage = z.infer<typeof deploymentMessageSchema>;

/** PUT /api/v1/deployments/{model}/{environment}: the next revision. `target` only to set or change it. */
export const putDeploymentRequestSchema = z.strictObject({
  target: targetMessageSchema.optional(),
  policy: policyMessageSchema,
  action: actionSchema,
  reason: text.optional(),
  release_id: text.optional(),
  /** The revision the caller read (0: must not exist yet); a deployment that moved on is 409 RESOURCE_CONFLICT. */
  expected_revision: z.int({ error: 'must be an integer' }).optional(),
});

export type PutDeploymentRequest = z.infer<typeof putDeploymentRequestSchema>;

const positiveInt = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, { error: 'must be a positive integer' })
  .transform(Number);

export const listDeploymentsQuerySchema = z.strictObject({ model: text.optional(), environment: text.optional() });
export const historyQuerySchema = z.strictObject({ max_results: positiveInt.optional(), page_token: text.optional() });

export const getDeploymentResponseSchema = z.object({ deployment: deploymentMessageSchema });
export const listDeploymentsResponseSchema = z.object({ deployments: z.array(deploymentMessageSchema) });
export const historyResponseSchema = z.object({
  revisions: z.array(revisionMessageSchema),
  next_page_token: z.string().optional(),
});

const releaseStatusSchema = z.enum(WIRE_RELEASE_STATUSES, {
  error: `must be one of ${WIRE_RELEASE_STATUSES.join(', ')}`,
});

export const releaseMessageSchema = z.object({
  id: z.string(),
  model: z.string(),
  version: z.string().optional(),
  target: z.string(),
  status: releaseStatusSchema,
  actor: z.string(),
  created_at: z.number(),
  updated_at: z.number(),
});

export type ReleaseMessage = z.infer<typeof releaseMessageSchema>;

export const createReleaseRequestSchema = z.strictObject({ model: text, target: text });
export const updateReleaseRequestSchema = z.strictObject({
  status: releaseStatusSchema.optional(),
  version: text.optional(),
});
export const listReleasesQuerySchema = z.strictObject({
  model: text.optional(),
  status: releaseStatusSchema.optional(),
  max_results: positiveInt.optional(),
});

const stepSchema = z.enum(WIRE_RELEASE_STEPS, { error: `must be one of ${WIRE_RELEASE_STEPS.join(', ')}` });
const stepStatusSchema = z.enum(WIRE_RELEASE_STEP_STATUSES, {
  error: `must be one of ${WIRE_RELEASE_STEP_STATUSES.join(', ')}`,
});

export const recordStepRequestSchema = z.strictObject({
  step: stepSchema,
  status: stepStatusSchema,
  environment: text.optional(),
  details: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }).optional(),
});

export const releaseStepMessageSchema = z.object({
  release_id: z.string(),
  step: stepSchema,
  status: stepStatusSchema,
  environment: z.string().optional(),
  details: z.record(z.string(), z.unknown()),
  actor: z.string(),
  time: z.number(),
});

export type ReleaseStepMessage = z.infer<typeof releaseStepMessageSchema>;

export const releaseResponseSchema = z.object({ release: releaseMessageSchema });
export const listReleasesResponseSchema = z.object({ releases: z.array(releaseMessageSchema) });
export const releaseStepResponseSchema = z.object({ step: releaseStepMessageSchema });
export const listReleaseStepsResponseSchema = z.object({ steps: z.array(releaseStepMessageSchema) });
