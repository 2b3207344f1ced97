import { readRegistryToken, registryToken, tokenNumber } from '../../registry/search/registry-page-token.js';
import { selectDeployment, selectDeploymentRevisions } from '../../storage/metadata/deployments/deployments.js';
import type { Page } from '../../tracking/types.js';
import { checkDeploymentModel, checkMaxResults, DEPLOYMENT_LIMITS } from './check-deployment-input.js';
import { notDeployed } from './deployment-errors.js';
import { toRevision } from './deployment-rows.js';
import { checkEnvironmentName, type DeploymentRevision } from './deployment-types.js';
import type { SqlDeploymentsDeps } from './sql-deployments-deps.js';

export interface ListDeploymentHistoryInput {
  readonly model: string;
  readonly environment: string;
  /** 1 to 1000; default 100. */
  readonly maxResults?: number | undefined;
  readonly pageToken?: string | undefined;
}

/**
 * A deployment's revisions, newest first, in pages. Page tokens are signed with the store's key (the registry's
 * token helper) and bound to this deployment: a token of another listing or another deployment is refused.
 */
export async function listDeploymentHistory(
  deps: Pick<SqlDeploymentsDeps, 'metadata'>,
  input: ListDeploymentHistoryInput,
): Promise<Page<DeploymentRevision>> {
  const model = checkDeploymentModel(input.model);
  const environment = checkEnvironmentName(input.environment);
  const limit = checkMaxResults(input.maxResults, DEPLOYMENT_LIMITS.historyPage, DEPLOYMENT_LIMITS.maxHistoryPage);
  const { db } = deps.metadata;
  const fingerprint = JSON.stringify([model, environment]);
  const token = await readRegistryToken(db, 'deployment-history', input.pageToken, fingerprint);
  if ((await selectDeployment(db, model, environment)) === undefined) throw notDeployed(model, environment);
  const beforeRevision = token === undefined ? undefined : tokenNumber(token, 'r');
  const rows = await selectDeploymentRevisions(db, { model, environment, beforeRevision, limit: limit + 1 });
  const items = rows.slice(0, limit).map((row) => toRevision(row, row.time));
  const last = items.at(-1);
  if (rows.length <= limit || last === undefined) return { items };
  return { items, nextPageToken: await registryToken(db, 'deployment-history', fingerprint, { r: last.revision }) };
}
