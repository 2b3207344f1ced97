import { z } from 'zod';
import { invalidParameter } from '../../domain/errors.js';

/**
 * A deployment: one registered model served in one environment (staging, production, …) through a target, with a
 * traffic policy over the model's registry versions. Every change is a new revision (kept as history, audited);
 * a serving process following the deployment applies each revision by hot swap, without dropping a request.
 */

export const DEPLOYMENT_TARGET_KINDS = ['local', 'docker', 'kubernetes'] as const;
export type DeploymentTargetKind = (typeof DEPLOYMENT_TARGET_KINDS)[number];

/** Where an environment runs. `local`: a `slipway serve` process supervised by the control plane on host:port. */
export interface DeploymentTarget {
  readonly kind: DeploymentTargetKind;
  /** local: the interface the serving process listens on (default 127.0.0.1). */
  readonly host?: string | undefined;
  /** local: the port it listens on. */
  readonly port?: number | undefined;
  readonly replicas?: number | undefined;
  /** The endpoint the release flow talks to (smoke tests, metrics); local targets derive it from host:port. */
  readonly url?: string | undefined;
  /** kubernetes: the namespace. */
  readonly namespace?: string | undefined;
}

/** A share of the traffic for one registry version (MLflow's decimal version number, "3"). Weights are percent. */
export interface DeploymentRoute {
  readonly version: string;
  readonly weight: number;
}

/** The traffic policy of a deployment over registry versions (the serving engine's TrafficPolicy, by version number). */
export interface DeploymentPolicy {
  readonly routes: readonly DeploymentRoute[];
  readonly stickyHeader?: string | undefined;
  readonly shadow?: readonly string[] | undefined;
}

/** Why a revision was made. */
export const DEPLOYMENT_ACTIONS = ['deploy', 'promote', 'canary', 'rollback', 'release'] as const;
export type DeploymentAction = (typeof DEPLOYMENT_ACTIONS)[number];

/** One revision of a deployment: what it served and why. Revisions count up from 1 per (model, environment). */
export interface DeploymentRevision {
  readonly model: string;
  readonly environment: string;
  readonly revision: number;
  readonly target: DeploymentTarget;
  readonly policy: DeploymentPolicy;
  readonly action: DeploymentAction;
  readonly reason?: string | undefined;
  /** The release that made this revision, if one did. */
  readonly releaseId?: string | undefined;
  readonly actor: string;
  /** Milliseconds since the epoch. */
  readonly time: number;
}

/** A deployment as it is now: its latest revision, and when it was first created. */
export interface Deployment extends DeploymentRevision {
  readonly createdAt: number;
}

/** A change to a deployment. The first change of a (model, environment) needs a target; later ones keep it unless given. */
export interface ApplyDeploymentInput {
  readonly model: string;
  readonly environment: string;
  readonly target?: DeploymentTarget | undefined;
  readonly policy: DeploymentPolicy;
  readonly action: DeploymentAction;
  readonly reason?: string | undefined;
  readonly releaseId?: string | undefined;
  /**
   * Optimistic concurrency: the revision the caller read (0 for "must not exist yet"). A deployment that moved
   * on since is RESOURCE_CONFLICT and nothing is written.
   */
  readonly expectedRevision?: number | undefined;
}

/** The steps of `slipway release`, in order; each start and outcome is an audited event. */
export const RELEASE_STEPS = [
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
export type ReleaseStepName = (typeof RELEASE_STEPS)[number];

export const RELEASE_STEP_STATUSES = ['started', 'passed', 'failed', 'skipped', 'waiting'] as const;
export type ReleaseStepStatus = (typeof RELEASE_STEP_STATUSES)[number];

export const RELEASE_STATUSES = ['running', 'awaiting_approval', 'succeeded', 'failed', 'rolled_back'] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

/** One run of the release flow for one model version. */
export interface Release {
  /** 32 hex characters. */
  readonly id: string;
  readonly model: string;
  /** The registry version being released, once registered. */
  readonly version?: string | undefined;
  /** The environment the release goes to (`--to`). */
  readonly target: string;
  readonly status: ReleaseStatus;
  readonly actor: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface ReleaseStep {
  readonly releaseId: string;
  readonly step: ReleaseStepName;
  readonly status: ReleaseStepStatus;
  readonly environment?: string | undefined;
  /** Measured values, thresholds, messages: a JSON object (≤ 1 MiB). */
  readonly details: Readonly<Record<string, unknown>>;
  readonly actor: string;
  readonly time: number;
}

export interface CreateReleaseInput {
  readonly model: string;
  readonly target: string;
}

export interface UpdateReleaseInput {
  readonly status?: ReleaseStatus | undefined;
  readonly version?: string | undefined;
}

export interface RecordReleaseStepInput {
  readonly releaseId: string;
  readonly step: ReleaseStepName;
  readonly status: ReleaseStepStatus;
  readonly environment?: string | undefined;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

// ---- validation, shared by every adapter ----

/** An environment name: a DNS label of at most 20 characters (it becomes part of Kubernetes names). */
const ENVIRONMENT = /^[a-z]([-a-z0-9]{0,18}[a-z0-9])?$/;
const VERSION = /^[1-9]\d{0,17}$/;
const HEADER = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;

const targetSchema = z.strictObject({
  kind: z.enum(DEPLOYMENT_TARGET_KINDS, { error: `target.kind must be one of ${DEPLOYMENT_TARGET_KINDS.join(', ')}` }),
  host: z.string().min(1).max(253).optional(),
  port: z.int().min(1).max(65535, { error: 'target.port must be 1-65535' }).optional(),
  replicas: z.int().min(1).max(1000).optional(),
  url: z
    .url({ protocol: /^https?$/, error: 'target.url must be an http(s) URL' })
    .max(2000)
    .optional(),
  namespace: z.string().max(63).optional(),
});

const policySchema = z.strictObject({
  routes: z
    .array(
      z.strictObject({
        version: z.string().regex(VERSION, { error: 'a route version must be a registry version number, e.g. "3"' }),
        weight: z.number().min(0).max(100, { error: 'a route weight is a percentage (0-100)' }),
      }),
    )
    .min(1, { error: 'a policy needs at least one route' })
    .max(16),
  stickyHeader: z.string().regex(HEADER, { error: 'stickyHeader must be an HTTP header name' }).optional(),
  shadow: z.array(z.string().regex(VERSION)).max(8).optional(),
});

/** Refuses a bad environment name, naming the rule. */
export function checkEnvironmentName(environment: string): string {
  if (!ENVIRONMENT.test(environment)) {
    throw invalidParameter(`Invalid environment name '${environment.slice(0, 64)}'.`, {
      hint: 'Use lowercase letters, digits and -, starting with a letter, at most 20 characters (staging, production).',
    });
  }
  return environment;
}

/** Validates a target; every problem named. */
export function checkDeploymentTarget(target: unknown): DeploymentTarget {
  const parsed = targetSchema.safeParse(target);
  if (!parsed.success) throw invalidParameter(`Invalid deployment target: ${issues(parsed.error)}.`);
  if (parsed.data.kind === 'local' && parsed.data.port === undefined) {
    throw invalidParameter('A local deployment target needs a port.', { hint: 'Give the environment a port: 5101.' });
  }
  return parsed.data;
}

/**
 * Validates a policy: weights add up to 100, at least one is > 0, no version twice, shadows take no live traffic.
 */
export function checkDeploymentPolicy(policy: unknown): DeploymentPolicy {
  const parsed = policySchema.safeParse(policy);
  if (!parsed.success) throw invalidParameter(`Invalid traffic policy: ${issues(parsed.error)}.`);
  const { routes, shadow } = parsed.data;
  const total = routes.reduce((sum, route) => sum + route.weight, 0);
  if (Math.abs(total - 100) > 1e-9) {
    throw invalidParameter(`The traffic weights add up to ${total}, not 100.`, {
      hint: 'Give weights in percent: 90 and 10.',
    });
  }
  const versions = routes.map((route) => route.version);
  if (new Set(versions).size !== versions.length) throw invalidParameter('A version appears twice in the routes.');
  if (shadow?.some((version) => versions.includes(version))) {
    throw invalidParameter('A shadow version cannot also take live traffic.');
  }
  return parsed.data;
}

/** The policy that sends everything to one version. */
export const allTrafficTo = (version: string): DeploymentPolicy => ({ routes: [{ version, weight: 100 }] });

/** The version taking the largest share of traffic (the first such route on a tie). */
export function primaryVersion(policy: DeploymentPolicy): string {
  const [first, ...rest] = policy.routes;
  if (first === undefined) throw invalidParameter('A policy needs at least one route.');
  return rest.reduce((best, route) => (route.weight > best.weight ? route : best), first).version;
}

/** The URL the release flow uses to reach a deployment's serving endpoint. */
export function deploymentUrl(target: DeploymentTarget): string | undefined {
  if (target.url !== undefined) return target.url;
  if (target.kind !== 'local' || target.port === undefined) return undefined;
  const host = target.host === undefined || target.host === '0.0.0.0' ? '127.0.0.1' : target.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${target.port}`;
}

function issues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`)
    .join('; ');
}
