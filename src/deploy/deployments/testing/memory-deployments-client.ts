import { randomBytes } from 'node:crypto';
import { alreadyExists, notFound, SlipwayError } from '../../../domain/errors.js';
import {
  type ApplyDeploymentInput,
  checkDeploymentPolicy,
  checkDeploymentTarget,
  checkEnvironmentName,
  type Deployment,
  type DeploymentRevision,
  type Release,
  type ReleaseStep,
} from '../deployment-types.js';
import type { DeploymentFilter, DeploymentsClient, ReleaseFilter } from '../deployments-client.js';

const key = (model: string, environment: string) => `${model}\u0000${environment}`;

/**
 * The in-memory DeploymentsClient: the port's semantics without a database, for tests of the code above the port
 * (the release flow, the supervisor). It runs the same contract suite as the SQL and HTTP adapters.
 */
export function createMemoryDeploymentsClient(actor = 'test', clock: () => number = Date.now): DeploymentsClient {
  const history = new Map<string, DeploymentRevision[]>();
  const created = new Map<string, number>();
  const releases = new Map<string, Release>();
  const steps = new Map<string, ReleaseStep[]>();
  const current = (model: string, environment: string): Deployment | undefined => {
    const revisions = history.get(key(model, environment));
    const last = revisions?.at(-1);
    return last === undefined ? undefined : { ...last, createdAt: created.get(key(model, environment)) ?? last.time };
  };
  const release = (id: string): Release => {
    const found = releases.get(id);
    if (found === undefined) throw notFound(`Release '${id.slice(0, 64)}' not found.`);
    return found;
  };
  return {
    uri: 'memory:',
    async getDeployment(model, environment) {
      return current(model, environment);
    },
    async listDeployments(filter: DeploymentFilter = {}) {
      return [...history.keys()]
        .map((k) => k.split('\u0000') as [string, string])
        .filter(([m, e]) => (filter.model ?? m) === m && (filter.environment ?? e) === e)
        .sort(([m1, e1], [m2, e2]) => m1.localeCompare(m2) || e1.localeCompare(e2))
        .flatMap(([m, e]) => current(m, e) ?? []);
    },
    async applyDeployment(input: ApplyDeploymentInput) {
      checkEnvironmentName(input.environment);
      const policy = checkDeploymentPolicy(input.policy);
      const before = current(input.model, input.environment);
      if (input.expectedRevision !== undefined && input.expectedRevision !== (before?.revision ?? 0)) {
        throw new SlipwayError(
          'RESOURCE_CONFLICT',
          `The deployment ${input.model}/${input.environment} is at revision ${before?.revision ?? 0}, not ${input.expectedRevision}.`,
        );
      }
      const targetInput = input.target ?? before?.target;
      if (targetInput === undefined) throw notFound(`${input.model} is not deployed to ${input.environment}.`);
      const revision: DeploymentRevision = {
        model: input.model,
        environment: input.environment,
        revision: (before?.revision ?? 0) + 1,
        target: checkDeploymentTarget(targetInput),
        policy,
        action: input.action,
        reason: input.reason,
        releaseId: input.releaseId,
        actor,
        time: clock(),
      };
      const k = key(input.model, input.environment);
      history.set(k, [...(history.get(k) ?? []), revision]);
      if (!created.has(k)) created.set(k, revision.time);
      return current(input.model, input.environment) as Deployment;
    },
    async deleteDeployment(model, environment) {
      if (!history.delete(key(model, environment))) throw notFound(`${model} is not deployed to ${environment}.`);
      created.delete(key(model, environment));
    },
    async listDeploymentHistory({ model, environment, maxResults = 100 }) {
      const revisions = history.get(key(model, environment));
      if (revisions === undefined) throw notFound(`${model} is not deployed to ${environment}.`);
      return { items: [...revisions].reverse().slice(0, maxResults) };
    },
    async createRelease(input) {
      checkEnvironmentName(input.target);
      const id = randomBytes(16).toString('hex');
      if (releases.has(id)) throw alreadyExists(`Release ${id} exists.`);
      const now = clock();
      const created: Release = { id, ...input, status: 'running', actor, createdAt: now, updatedAt: now };
      releases.set(id, created);
      steps.set(id, []);
      return created;
    },
    async getRelease(id) {
      return release(id);
    },
    async updateRelease(id, input) {
      const updated: Release = {
        ...release(id),
        ...(input.status === undefined ? {} : { status: input.status }),
        ...(input.version === undefined ? {} : { version: input.version }),
        updatedAt: clock(),
      };
      releases.set(id, updated);
      return updated;
    },
    async listReleases(filter: ReleaseFilter = {}) {
      return [...releases.values()]
        .filter((r) => (filter.model ?? r.model) === r.model && (filter.status ?? r.status) === r.status)
        .sort((a, b) => b.createdAt - a.createdAt)
        .slice(0, filter.maxResults ?? 100);
    },
    async recordReleaseStep(input) {
      release(input.releaseId);
      const step: ReleaseStep = { ...input, details: input.details ?? {}, actor, time: clock() };
      steps.get(input.releaseId)?.push(step);
      return step;
    },
    async listReleaseSteps(releaseId) {
      release(releaseId);
      return [...(steps.get(releaseId) ?? [])];
    },
    async close() {},
  };
}
