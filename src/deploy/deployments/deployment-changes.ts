import { SlipwayError } from '../../domain/errors.js';
import { type Deployment, type DeploymentPolicy, primaryVersion } from './deployment-types.js';
import type { DeploymentsClient } from './deployments-client.js';

/**
 * The policy where `version` joins the current primary at `percent` of the traffic (the primary keeps the rest;
 * earlier canaries are dropped). The sticky header is kept; shadows of either version are dropped.
 */
export function canaryPolicy(current: Deployment, version: string, percent: number): DeploymentPolicy {
  const primary = primaryVersion(current.policy);
  if (primary === version) {
    throw new SlipwayError(
      'INVALID_STATE',
      `Version ${version} is already the primary of ${current.model} in ${current.environment}.`,
      { hint: 'Canary another version, or deploy it without --canary to give it all the traffic.' },
    );
  }
  const shadow = current.policy.shadow?.filter((v) => v !== version && v !== primary) ?? [];
  return {
    routes: [
      { version: primary, weight: 100 - percent },
      { version, weight: percent },
    ],
    ...(current.policy.stickyHeader === undefined ? {} : { stickyHeader: current.policy.stickyHeader }),
    ...(shadow.length === 0 ? {} : { shadow }),
  };
}

/**
 * The version a rollback returns to: the primary of the newest earlier revision whose primary differs from the
 * current one. INVALID_STATE when every earlier revision had the same primary (or there is none).
 */
export async function findRollbackVersion(client: DeploymentsClient, deployment: Deployment): Promise<string> {
  const current = primaryVersion(deployment.policy);
  let pageToken: string | undefined;
  do {
    const page = await client.listDeploymentHistory({
      model: deployment.model,
      environment: deployment.environment,
      maxResults: 1000,
      pageToken,
    });
    const earlier = page.items.find((r) => r.revision < deployment.revision && primaryVersion(r.policy) !== current);
    if (earlier !== undefined) return primaryVersion(earlier.policy);
    pageToken = page.nextPageToken;
  } while (pageToken !== undefined);
  throw nothingToRollBackTo(deployment, current);
}

const nothingToRollBackTo = (deployment: Deployment, current: string) =>
  new SlipwayError(
    'INVALID_STATE',
    `Nothing to roll back to: no earlier revision of ${deployment.model} in ${deployment.environment} had a primary other than version ${current}.`,
    { hint: 'Name the version to go to with --to VERSION.' },
  );
