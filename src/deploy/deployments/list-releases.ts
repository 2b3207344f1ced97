import { selectReleases } from '../../storage/metadata/deployments/releases.js';
import {
  checkDeploymentModel,
  checkMaxResults,
  checkReleaseStatus,
  DEPLOYMENT_LIMITS,
} from './check-deployment-input.js';
import { toRelease } from './deployment-rows.js';
import type { Release } from './deployment-types.js';
import type { ReleaseFilter } from './deployments-client.js';
import type { SqlDeploymentsDeps } from './sql-deployments-deps.js';

/** Releases matching the filter, newest first (at most 1000; default 100). */
export async function listReleases(
  deps: Pick<SqlDeploymentsDeps, 'metadata'>,
  filter: ReleaseFilter = {},
): Promise<Release[]> {
  const rows = await selectReleases(deps.metadata.db, {
    model: filter.model === undefined ? undefined : checkDeploymentModel(filter.model),
    status: filter.status === undefined ? undefined : checkReleaseStatus(filter.status),
    limit: checkMaxResults(filter.maxResults, DEPLOYMENT_LIMITS.releasesPage, DEPLOYMENT_LIMITS.maxReleasesPage),
  });
  return rows.map(toRelease);
}
