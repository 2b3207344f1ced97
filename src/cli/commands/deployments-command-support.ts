import { InvalidArgumentError } from 'commander';
import { openDeploymentsClient } from '../../client/open-deployments-client.js';
import { loadConfig } from '../../config/load-config.js';
import {
  checkEnvironmentName,
  type Deployment,
  type DeploymentPolicy,
  type DeploymentTarget,
  deploymentUrl,
} from '../../deploy/deployments/deployment-types.js';
import type { DeploymentsClient } from '../../deploy/deployments/deployments-client.js';
import { invalidParameter, notFound } from '../../domain/errors.js';
import type { RegistryClient } from '../../registry/registry-client.js';
import type { CliContext } from '../cli-context.js';
import { osUser } from './models-command-support.js';
import { type TrackingOptions, trackingUriFor } from './tracking-command-support.js';

/** The deployments store of the tracking URI (trackingUriFor), acting as the OS user. Close it when done. */
export async function openDeploymentsForCli(context: CliContext, options: TrackingOptions): Promise<DeploymentsClient> {
  const config = await loadConfig({ cwd: context.cwd, env: context.env, homeDir: context.homeDir });
  return openDeploymentsClient(trackingUriFor(context, options, config), { actor: osUser(context) });
}

/** Opens the deployments client the options or the configuration name (as `slipway models` does), runs `fn`, closes it. */
export async function withDeployments<T>(
  context: CliContext,
  options: TrackingOptions,
  fn: (client: DeploymentsClient) => Promise<T>,
): Promise<T> {
  const client = await openDeploymentsForCli(context, options);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

/** The environment argument, checked before anything is opened. */
export const environmentArgument = (environment: string): string => checkEnvironmentName(environment);

/**
 * The model `--model` names, or else the only one deployed to the environment; an error naming them when there
 * are several, or when there is none.
 */
export async function pickDeployment(
  client: DeploymentsClient,
  environment: string,
  model: string | undefined,
): Promise<Deployment> {
  if (model !== undefined) {
    const found = await client.getDeployment(model, environment);
    if (found === undefined) {
      throw notFound(`${model} is not deployed to ${environment}.`, {
        hint: `See what is: slipway deployments list --environment ${environment}`,
      });
    }
    return found;
  }
  const deployed = await client.listDeployments({ environment });
  const [only, ...others] = deployed;
  if (only === undefined) {
    throw notFound(`Nothing is deployed to ${environment}.`, { hint: 'Deploy a model with `slipway deploy`.' });
  }
  if (others.length > 0) {
    throw invalidParameter(
      `${deployed.length} models are deployed to ${environment}: ${deployed.map((d) => d.model).join(', ')}.`,
      { hint: 'Say which one with --model NAME.' },
    );
  }
  return only;
}

/** `3 90%, 4 10%` (+ sticky header and shadows). */
export function describePolicy(policy: DeploymentPolicy): string {
  const routes = policy.routes.map((route) => `${route.version} ${route.weight}%`).join(', ');
  const sticky = policy.stickyHeader === undefined ? '' : ` sticky on ${policy.stickyHeader}`;
  const shadow = policy.shadow === undefined || policy.shadow.length === 0 ? '' : ` shadow ${policy.shadow.join(' ')}`;
  return `${routes}${sticky}${shadow}`;
}

/** `local http://127.0.0.1:5101`, `kubernetes ns=ml`. */
export function describeTarget(target: DeploymentTarget): string {
  const url = deploymentUrl(target);
  const namespace = target.namespace === undefined ? '' : ` ns=${target.namespace}`;
  return `${target.kind}${url === undefined ? '' : ` ${url}`}${namespace}`;
}

/** `--canary 10`: a share of traffic strictly between 0 and 100 percent. */
export function parsePercent(value: string): number {
  const number = Number(value);
  if (/^\d+(\.\d+)?$/.test(value) && number > 0 && number < 100) return number;
  throw new InvalidArgumentError('must be a percentage between 0 and 100 (exclusive), e.g. 10.');
}

/** `--to 3` or `--to 1.4.0`: a version of the model the registry knows, as its number. */
export async function registryVersion(registry: RegistryClient, model: string, to: string): Promise<string> {
  if (/^\d+$/.test(to)) return (await registry.getModelVersion(model, to)).version;
  return (await registry.resolveModel(`models:/${model}/${to}`)).version;
}
