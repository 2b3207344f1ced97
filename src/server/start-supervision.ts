import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config/config-schema.js';
import type { DeploymentsClient } from '../deploy/deployments/deployments-client.js';
import { createSqlDeploymentsClient } from '../deploy/deployments/sql-deployments-client.js';
import { createLocalSupervisor, defaultSupervisorLogDir } from '../deploy/local/local-supervisor.js';
import type { LocalSupervisorOptions, SupervisedProcessStatus } from '../deploy/local/supervisor-types.js';
import type { MetadataStore } from '../storage/metadata/open-metadata.js';

/** What a test (or an embedding program) may change about the supervisor `slipway server` runs. */
export type SuperviseOverrides = Partial<Omit<LocalSupervisorOptions, 'deployments' | 'trackingUri' | 'logDir'>> & {
  /** Opens the deployments store; default: the SQL client over the server's own metadata store. */
  readonly openDeployments?: (metadata: MetadataStore) => Promise<DeploymentsClient>;
};

/** The running supervisor of a server. */
export interface Supervision {
  status(): SupervisedProcessStatus[];
  /** Stops every child, then closes the deployments store. */
  stop(): Promise<void>;
}

/** The server's URL as a child reaches it: a wildcard bind is reached on loopback. */
export const childTrackingUri = (serverUrl: string): string =>
  serverUrl.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');

/**
 * Starts supervising the local deployments, unless `deployments.supervise` is off. A deployments store that cannot
 * be opened is logged and leaves the server without a supervisor (its APIs still serve); undefined then.
 */
export async function startSupervision(
  config: Config,
  metadata: MetadataStore,
  serverUrl: string,
  logger: FastifyBaseLogger,
  overrides: SuperviseOverrides = {},
): Promise<Supervision | undefined> {
  if (!config.deployments.supervise) return undefined;
  const { openDeployments = defaultOpen, ...options } = overrides;
  const deployments = await openDeployments(metadata).catch((error: unknown) => {
    logger.error({ err: error }, 'local deployments are not supervised: cannot open the deployments store');
    return undefined;
  });
  if (deployments === undefined) return undefined;
  const supervisor = createLocalSupervisor({
    log: (level, message) => logger[level]({ component: 'supervisor' }, message),
    ...options,
    deployments,
    trackingUri: childTrackingUri(serverUrl),
    logDir: defaultSupervisorLogDir(config.home),
  });
  const stop = async () => {
    await supervisor.stop();
    await deployments.close();
  };
  await supervisor.start().catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { status: () => supervisor.status(), stop };
}

/** The server's own store (one connection pool, and an in-memory SQLite store is the same database). */
const defaultOpen = async (metadata: MetadataStore): Promise<DeploymentsClient> =>
  createSqlDeploymentsClient({ metadata, actor: 'slipway-server' });
