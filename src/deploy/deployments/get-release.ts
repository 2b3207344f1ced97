import { selectRelease } from '../../storage/metadata/deployments/releases.js';
import type { ReleaseRow } from '../../storage/metadata/schema.js';
import type { Db } from '../../storage/metadata/tracking/db.js';
import { checkReleaseId } from './check-deployment-input.js';
import { releaseNotFound } from './deployment-errors.js';
import { toRelease } from './deployment-rows.js';
import type { Release } from './deployment-types.js';
import type { SqlDeploymentsDeps } from './sql-deployments-deps.js';

/** The release row, or RESOURCE_DOES_NOT_EXIST; `lock` holds it until the transaction ends (PostgreSQL). */
export async function requireRelease(db: Db, id: string, lock = false): Promise<ReleaseRow> {
  const row = await selectRelease(db, checkReleaseId(id), lock);
  if (row === undefined) throw releaseNotFound(id);
  return row;
}

export async function getRelease(deps: Pick<SqlDeploymentsDeps, 'metadata'>, id: string): Promise<Release> {
  return toRelease(await requireRelease(deps.metadata.db, id));
}
