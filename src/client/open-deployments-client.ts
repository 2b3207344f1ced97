import type { DeploymentsClient } from '../deploy/deployments/deployments-client.js';
import { SlipwayError } from '../domain/errors.js';

export interface OpenDeploymentsClientOptions {
  /** Who is acting, for the audit trail of a direct URI (a server knows its own caller). */
  readonly actor: string;
}

/**
 * Opens the deployments store a tracking URI names: `sqlite:///…` or `postgresql://…` (direct) or `http(s)://…`
 * (a Slipway server's /api/v1/deployments). Close it when done.
 */
export async function openDeploymentsClient(
  uri: string,
  _options: OpenDeploymentsClientOptions,
): Promise<DeploymentsClient> {
  throw new SlipwayError('NOT_IMPLEMENTED', `No deployments adapter for ${uri.slice(0, 100)} yet.`);
}
