import type { Deployment, DeploymentPolicy } from '../../deploy/deployments/deployment-types.js';
import type { DeploymentsClient } from '../../deploy/deployments/deployments-client.js';
import { isSlipwayError } from '../../domain/errors.js';
import { type LoadVersionOptions, loadServedVersion } from '../engine/load-version.js';
import type { ModelDeployment } from '../engine/model-deployment.js';
import type { ServedVersion } from '../engine/served-version.js';
import type { TrafficPolicy } from '../engine/traffic-policy.js';
import type { ModelSourceResolver } from '../source/model-source.js';

export const DEFAULT_POLL_INTERVAL_MS = 1000;
export const DEFAULT_MAX_BACKOFF_MS = 30_000;

/** The revision whose policy the traffic follows. */
export interface AppliedRevision {
  readonly revision: number;
  /** The policy as the deployment record states it (registry version numbers, percent weights). */
  readonly policy: DeploymentPolicy;
  /** Milliseconds since the epoch: when traffic started following it. */
  readonly appliedAt: number;
}

/** What `GET /deployment` reports. */
export interface DeploymentStatus {
  readonly model: string;
  readonly environment: string;
  /** Undefined until the first revision is applied (the server is not ready until then). */
  readonly applied?: AppliedRevision;
  /** Why the latest revision is not applied (a version failed to load, the store is down, the deployment is gone). */
  readonly lastError?: string;
}

type FollowerLogger = Record<'info' | 'warn' | 'error', (details: object, message: string) => void>;

export interface FollowDeploymentOptions {
  readonly client: Pick<DeploymentsClient, 'getDeployment'>;
  /** The registered model's name. */
  readonly model: string;
  readonly environment: string;
  /** Resolves `models:/<model>/<version>` into a local, verified folder (the registry source). */
  readonly resolver: ModelSourceResolver;
  /** The engine's model the revisions are applied to. */
  readonly deployment: ModelDeployment;
  readonly load: LoadVersionOptions;
  /** How often the deployment record is read (default 1 s). */
  readonly pollIntervalMs?: number;
  /** The longest wait before a failed revision is tried again (default 30 s). */
  readonly maxBackoffMs?: number;
  readonly logger?: FollowerLogger;
  readonly now?: () => number;
}

interface Applied extends AppliedRevision {
  /** Revision number and time: a deployment deleted and created again counts revisions from 1 again. */
  readonly key: string;
}

interface Failure {
  readonly key: string;
  readonly attempts: number;
  readonly retryAt: number;
}

const keyOf = (deployment: Deployment): string => `${deployment.revision}@${deployment.time}`;
const silent: FollowerLogger = { info() {}, warn() {}, error() {} };

/** The engine's policy for a deployment's: the same routes, labelled by registry version number. */
export function toTrafficPolicy(policy: DeploymentPolicy): TrafficPolicy {
  return {
    routes: policy.routes.map((route) => ({ version: route.version, weight: route.weight })),
    ...(policy.stickyHeader === undefined ? {} : { stickyHeader: policy.stickyHeader }),
    ...(policy.shadow === undefined || policy.shadow.length === 0 ? {} : { shadow: [...policy.shadow] }),
  };
}

/** Every version a policy needs loaded: its routes, then its shadows. */
export const namedVersions = (policy: DeploymentPolicy): string[] => [
  ...new Set([...policy.routes.map((route) => route.version), ...(policy.shadow ?? [])]),
];

/** A message fit for GET /deployment: ours as written for users, anything else only named (details in the log). */
function describeError(error: unknown): string {
  if (isSlipwayError(error)) return error.message;
  return 'an unexpected error (the serving log has the details).';
}

/**
 * Makes a serving process follow a deployment record: reads it every poll interval; on a new revision loads the
 * versions its policy names that are not loaded yet (in the background, warmed up, while the current policy keeps
 * serving), then switches traffic to the new policy at once. Requests in flight finish on the versions they were
 * routed to; versions the policy no longer names are retired. A revision that cannot be applied changes nothing:
 * the error is logged and reported, and the revision is tried again with exponential backoff (a newer revision
 * is tried at once). A deleted deployment keeps its last revision serving.
 */
export class DeploymentFollower {
  readonly #o: FollowDeploymentOptions;
  readonly #interval: number;
  readonly #maxBackoff: number;
  readonly #log: FollowerLogger;
  readonly #now: () => number;
  #applied: Applied | undefined;
  #lastError: string | undefined;
  #failure: Failure | undefined;
  #readFailures = 0;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #closed = false;

  constructor(options: FollowDeploymentOptions) {
    this.#o = options;
    this.#interval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.#maxBackoff = Math.max(options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS, this.#interval);
    this.#log = options.logger ?? silent;
    this.#now = options.now ?? Date.now;
  }

  status(): DeploymentStatus {
    const applied = this.#applied;
    return {
      model: this.#o.model,
      environment: this.#o.environment,
      ...(applied === undefined
        ? {}
        : { applied: { revision: applied.revision, policy: applied.policy, appliedAt: applied.appliedAt } }),
      ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }),
    };
  }

  /** Starts polling (the first read happens at once). */
  start(): void {
    if (!this.#closed) this.#schedule(0);
  }

  /** Reads the deployment now and applies a new revision (SIGHUP does this); resolves when done. */
  poll(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#running ??= this.#tick().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Stops polling; a revision being loaded is discarded. The versions serving stay (the server closes them). */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(delay: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.poll(), delay);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    let delay = this.#interval;
    try {
      delay = await this.#step();
    } catch (error) {
      this.#log.error({ err: error }, 'following the deployment failed unexpectedly');
    }
    if (!this.#closed) this.#schedule(delay);
  }

  /** One poll; returns the delay before the next. */
  async #step(): Promise<number> {
    let found: Deployment | undefined;
    try {
      found = await this.#o.client.getDeployment(this.#o.model, this.#o.environment);
    } catch (error) {
      this.#readFailures += 1;
      this.#report(`Cannot read the deployment ${this.#name()}: ${describeError(error)}`, error);
      return this.#backoff(this.#readFailures);
    }
    this.#readFailures = 0;
    if (found === undefined) this.#report(this.#missing());
    else await this.#follow(found);
    return this.#interval;
  }

  async #follow(found: Deployment): Promise<void> {
    const key = keyOf(found);
    if (key === this.#applied?.key) {
      this.#failure = undefined;
      this.#lastError = undefined;
      return;
    }
    if (this.#failure?.key === key && this.#now() < this.#failure.retryAt) return;
    try {
      await this.#switchTo(found);
    } catch (error) {
      const attempts = this.#failure?.key === key ? this.#failure.attempts + 1 : 1;
      this.#failure = { key, attempts, retryAt: this.#now() + this.#backoff(attempts) };
      this.#report(`Revision ${found.revision} of ${this.#name()} was not applied: ${describeError(error)}`, error);
      return;
    }
    this.#applied = { key, revision: found.revision, policy: found.policy, appliedAt: this.#now() };
    this.#failure = undefined;
    this.#lastError = undefined;
    this.#log.info({ deployment: this.#name(), revision: found.revision, policy: found.policy }, 'applied revision');
  }

  /** Loads what the revision needs, then switches the engine to its policy; on failure nothing changes. */
  async #switchTo(found: Deployment): Promise<void> {
    const loaded = await this.#loadMissing(found.policy);
    const live = () => new Set(this.#o.deployment.versions());
    try {
      if (this.#closed) throw new Error('closed while loading');
      await this.#o.deployment.apply(loaded, toTrafficPolicy(found.policy));
    } catch (error) {
      const serving = live();
      await Promise.allSettled(loaded.filter((served) => !serving.has(served)).map((served) => served.retire()));
      throw error;
    }
  }

  async #loadMissing(policy: DeploymentPolicy): Promise<ServedVersion[]> {
    const loaded: ServedVersion[] = [];
    try {
      for (const version of namedVersions(policy)) {
        if (this.#o.deployment.find(version) === undefined) loaded.push(await this.#loadVersion(version));
      }
      return loaded;
    } catch (error) {
      await Promise.allSettled(loaded.map((served) => served.retire()));
      throw error;
    }
  }

  async #loadVersion(version: string): Promise<ServedVersion> {
    const resolved = await this.#o.resolver.resolve(`models:/${this.#o.model}/${version}`);
    this.#log.info({ deployment: this.#name(), version }, 'loading version');
    return loadServedVersion({ ...resolved, name: this.#o.deployment.name, version }, this.#o.load);
  }

  #missing(): string {
    if (this.#applied === undefined) return `${this.#o.model} is not deployed to ${this.#o.environment} (yet).`;
    return `The deployment ${this.#name()} no longer exists; still serving its revision ${this.#applied.revision}.`;
  }

  /** Sets the reported error, logging it when it changes (not on every poll). */
  #report(message: string, error?: unknown): void {
    if (message !== this.#lastError) this.#log.warn({ deployment: this.#name(), err: error }, message);
    this.#lastError = message;
  }

  #backoff(attempts: number): number {
    return Math.min(this.#interval * 2 ** Math.min(attempts, 20), this.#maxBackoff);
  }

  #name(): string {
    return `${this.#o.model}/${this.#o.environment}`;
  }
}
