import type { DeploymentsClient } from '../deploy/deployments/deployments-client.js';
import { invalidParameter } from '../domain/errors.js';

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
  options: OpenDeploymentsClientOptions,
): Promise<DeploymentsClient> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') {
    const { createHttpDeploymentsClient } = await import('./http-deployments-client.js');
    return createHttpDeploymentsClient({ baseUrl: uri });
  }
  if (scheme !== 'sqlite' && scheme !== 'postgresql' && scheme !== 'postgres') {
    throw invalidParameter(`Unknown tracking URI scheme "${scheme ?? ''}:".`, {
      hint: 'Use sqlite:///path/slipway.db, postgresql://user@host/db or http://host:5000.',
    });
  }
  const [{ openMetadata }, { createSqlDeploymentsClient }] = await Promise.all([
    import('../storage/metadata/open-metadata.js'),
    import('../deploy/deployments/sql-deployments-client.js'),
  ]);
  const metadata = await openMetadata(uri);
  return createSqlDeploymentsClient({ metadata, actor: options.actor }, () => metadata.close());
}
