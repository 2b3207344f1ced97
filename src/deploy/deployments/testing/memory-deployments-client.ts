import { randomBytes } from 'node:crypto';
import { alreadyExists, invalidParameter } from '../../../domain/errors.js';
import {
  checkApplyDeployment,
  checkDeploymentModel,
  checkMaxResults,
  checkReleaseId,
  checkReleaseStatus,
  checkReleaseStep,
  checkUpdateRelease,
  DEPLOYMENT_LIMITS,
} from '../check-deployment-input.js';
import { notDeployed, releaseNotFound, staleRevision } from '../deployment-errors.js';
import { plainJson } from '../deployment-rows.js';
import {
  type ApplyDeploymentInput,
  checkEnvironmentName,
  type Deployment,
  type DeploymentRevision,
  type Release,
  type ReleaseStep,
} from '../deployment-types.js';
import type { DeploymentFilter, DeploymentsClient, ReleaseFilter } from '../deployments-client.js';

const key = (model: string, environment: string) => `${model}\u0000${environment}`;
/** Code point order, as the SQL adapters sort (never the locale's). */
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Page tokens of the fake: readable, bound to one deployment, not signed (the SQL adapter signs its own). */
const memoryToken = (k: string, revision: number) =>
  Buffer.from(JSON.stringify({ k, r: revision })).toString('base64url');
function readMemoryToken(token: string | undefined, k: string): number | undefined {
  if (token === undefined || token === '') return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { k?: unknown; r?: unknown };
    if (parsed.k === k && typeof parsed.r === 'number' && Number.isSafeInteger(parsed.r)) return parsed.r;
  } catch {
    // refused below
  }
  throw invalidParameter('Invalid page_token: it is not one this store issued for this listing.');
}

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
    const found = releases.get(checkReleaseId(id));
    if (found === undefined) throw releaseNotFound(id);
    return found;
  };
  return {
    uri: 'memory:',
    async getDeployment(model, environment) {
      return current(checkDeploymentModel(model), checkEnvironmentName(environment));
    },
    async listDeployments(filter: DeploymentFilter = {}) {
      const model = filter.model === undefined ? undefined : checkDeploymentModel(filter.model);
      const environment = filter.environment === undefined ? undefined : checkEnvironmentName(filter.environment);
      return [...history.keys()]
        .map((k) => k.split('\u0000') as [string, string])
        .filter(([m, e]) => (model ?? m) === m && (environment ?? e) === e)
        .sort(([m1, e1], [m2, e2]) => byCodePoint(m1, m2) || byCodePoint(e1, e2))
        .flatMap(([m, e]) => current(m, e) ?? []);
    },
    async applyDeployment(input: ApplyDeploymentInput) {
      const change = checkApplyDeployment(input);
      const before = current(change.model, change.environment);
      const at = before?.revision ?? 0;
      if (change.expectedRevision !== undefined && change.expectedRevision !== at) {
        throw staleRevision(change.model, change.environment, at, change.expectedRevision);
      }
      const target = change.target ?? before?.target;
      if (target === undefined) throw notDeployed(change.model, change.environment);
      const revision: DeploymentRevision = plainJson({
        model: change.model,
        environment: change.environment,
        revision: at + 1,
        target,
        policy: change.policy,
        action: change.action,
        reason: change.reason,
        releaseId: change.releaseId,
        actor,
        time: clock(),
      });
      const k = key(change.model, change.environment);
      history.set(k, [...(history.get(k) ?? []), revision]);
      if (!created.has(k)) created.set(k, revision.time);
      return current(change.model, change.environment) as Deployment;
    },
    async deleteDeployment(model, environment) {
      const k = key(checkDeploymentModel(model), checkEnvironmentName(environment));
      if (!history.delete(k)) throw notDeployed(model, environment);
      created.delete(k);
    },
    async listDeploymentHistory(input) {
      const model = checkDeploymentModel(input.model);
      const environment = checkEnvironmentName(input.environment);
      const limit = checkMaxResults(input.maxResults, DEPLOYMENT_LIMITS.historyPage, DEPLOYMENT_LIMITS.maxHistoryPage);
      const k = key(model, environment);
      const below = readMemoryToken(input.pageToken, k);
      const revisions = history.get(k);
      if (revisions === undefined) throw notDeployed(model, environment);
      const newestFirst = [...revisions].reverse().filter((r) => below === undefined || r.revision < below);
      const items = newestFirst.slice(0, limit);
      const last = items.at(-1);
      if (newestFirst.length <= limit || last === undefined) return { items };
      return { items, nextPageToken: memoryToken(k, last.revision) };
    },
    async createRelease(input) {
      const model = checkDeploymentModel(input.model);
      const target = checkEnvironmentName(input.target);
      const id = randomBytes(16).toString('hex');
      if (releases.has(id)) throw alreadyExists(`Release ${id} exists.`);
      const now = clock();
      const made: Release = { id, model, target, status: 'running', actor, createdAt: now, updatedAt: now };
      releases.set(id, made);
      steps.set(id, []);
      return made;
    },
    async getRelease(id) {
      return release(id);
    },
    async updateRelease(id, input) {
      const change = checkUpdateRelease(input);
      const updated: Release = {
        ...release(id),
        ...(change.status === undefined ? {} : { status: change.status }),
        ...(change.version === undefined ? {} : { version: change.version }),
        updatedAt: clock(),
      };
      releases.set(id, updated);
      return updated;
    },
    async listReleases(filter: ReleaseFilter = {}) {
      const model = filter.model === undefined ? undefined : checkDeploymentModel(filter.model);
      const status = filter.status === undefined ? undefined : checkReleaseStatus(filter.status);
      const limit = checkMaxResults(
        filter.maxResults,
        DEPLOYMENT_LIMITS.releasesPage,
        DEPLOYMENT_LIMITS.maxReleasesPage,
      );
      return [...releases.values()]
        .filter((r) => (model ?? r.model) === r.model && (status ?? r.status) === r.status)
        .sort((a, b) => b.createdAt - a.createdAt || byCodePoint(b.id, a.id))
        .slice(0, limit);
    },
    async recordReleaseStep(input) {
      const checked = checkReleaseStep(input);
      release(checked.releaseId);
      const step: ReleaseStep = plainJson({ ...checked, actor, time: clock() });
      steps.get(checked.releaseId)?.push(step);
      return step;
    },
    async listReleaseSteps(releaseId) {
      release(releaseId);
      return [...(steps.get(releaseId) ?? [])];
    },
    async close() {},
  };
}
