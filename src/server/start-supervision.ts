import type { FastifyBaseLogger } from 'fastify';
import { openDeploymentsClient } from '../client/open-deployments-client.js';
import type { Config } from '../config/config-schema.js';
import type { DeploymentsClient } from '../deploy/deployments/deployments-client.js';
import { createLocalSupervisor, defaultSupervisorLogDir } from '../deploy/local/local-supervisor.js';
import type { LocalSupervisorOptions, SupervisedProcessStatus } from '../deploy/local/supervisor-types.js';

/** What a test (or an embedding program) may change about the supervisor `slipway server` runs. */
export type SuperviseOverrides = Partial<Omit<LocalSupervisorOptions, 'deployments' | 'trackingUri' | 'logDir'>> & {
  /** Opens the deployments store; default: openDeploymentsClient on `metadata.uri`. */
  readonly openDeployments?: (uri: string) => Promise<DeploymentsClient>;
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
  serverUrl: string,
  logger: FastifyBaseLogger,
  overrides: SuperviseOverrides = {},
): Promise<Supervision | undefined> {
  if (!config.deployments.supervise) return undefined;
  const { openDeployments = defaultOpen, ...options } = overrides;
  const deployments = await openDeployments(config.metadata.uri).catch((error: unknown) => {
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

const defaultOpen = (uri: string): Promise<DeploymentsClient> =>
  openDeploymentsClient(uri, { actor: 'slipway-server' });
