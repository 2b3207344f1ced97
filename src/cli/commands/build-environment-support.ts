import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { primaryVersion } from '../../deploy/deployments/deployment-types.js';
import { notFound } from '../../domain/errors.js';
import type { CliContext } from '../cli-context.js';
import { withDeployments } from './deployments-command-support.js';
import type { TrackingOptions } from './tracking-command-support.js';
import { workspaceEnvironment } from './workspace-environment.js';

/** The build options an environment gives defaults to. */
export interface EnvironmentDefaults extends TrackingOptions {
  readonly env?: string;
  readonly port?: number;
  readonly replicas?: number;
  readonly namespace?: string;
  readonly cpu?: string;
  readonly memory?: string;
}

const URI_SCHEME = /^[a-z][a-z0-9+.-]*:\//i;

/**
 * `slipway build k8s production`: an environment of slipway.yaml instead of a model — the model is the version
 * that environment's deployment serves (`models:/<name>/<version>`), and the environment's port, replicas and
 * resources are the defaults of the options. Undefined when `target` is a model URI or an existing folder, or when
 * the workspace has no such environment.
 */
export async function environmentBuild<T extends EnvironmentDefaults>(
  context: CliContext,
  target: string,
  options: T,
): Promise<{ uri: string; options: T } | undefined> {
  if (URI_SCHEME.test(target) || (await stat(resolve(context.cwd, target)).catch(() => undefined)) !== undefined) {
    return undefined;
  }
  const found = await workspaceEnvironment(context, target);
  if (found?.model === undefined) return undefined;
  const { model, environment } = found;
  const deployment = await withDeployments(context, options, (client) => client.getDeployment(model, target));
  if (deployment === undefined) {
    throw notFound(`${model} is not deployed to ${target} yet, so there is no version to build for it.`, {
      hint: `Release to it first (slipway release --to ${target}), or build a model URI: slipway build k8s models:/${model}/<version>.`,
    });
  }
  return {
    uri: `models:/${model}/${primaryVersion(deployment.policy)}`,
    options: {
      ...options,
      env: options.env ?? target,
      port: options.port ?? environment.port,
      replicas: options.replicas ?? environment.replicas,
      namespace: options.namespace ?? environment.namespace,
      cpu: options.cpu ?? environment.resources?.cpu,
      memory: options.memory ?? environment.resources?.memory,
    },
  };
}
