import { type Command, Option } from 'commander';
import { canaryPolicy } from '../../deploy/deployments/deployment-changes.js';
import {
  allTrafficTo,
  DEPLOYMENT_TARGET_KINDS,
  type Deployment,
  type DeploymentAction,
  type DeploymentPolicy,
  type DeploymentTarget,
  type DeploymentTargetKind,
} from '../../deploy/deployments/deployment-types.js';
import { invalidParameter, notFound } from '../../domain/errors.js';
import { environmentTarget } from '../../pipelines/release/release-flow-deploy.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import {
  describePolicy,
  describeTarget,
  environmentArgument,
  parsePercent,
  withDeployments,
} from './deployments-command-support.js';
import { withRegistry } from './models-command-support.js';
import {
  parsePositiveInt,
  printResult,
  type TrackingOptions,
  withTrackingUriOption,
} from './tracking-command-support.js';
import { workspaceEnvironment } from './workspace-environment.js';

interface DeployOptions extends TrackingOptions {
  readonly modelTarget?: DeploymentTargetKind;
  readonly port?: number;
  readonly host?: string;
  readonly url?: string;
  readonly canary?: number;
  readonly reason?: string;
}

const targetFlagsGiven = (o: DeployOptions): boolean =>
  o.modelTarget !== undefined || o.port !== undefined || o.host !== undefined || o.url !== undefined;

/**
 * The target the flags describe, on top of the current one (or, on a first deploy, the one slipway.yaml gives the
 * environment) when it is of the same kind; undefined keeps the current one. The first deploy needs one: local by
 * default, which needs a port.
 */
function planTarget(
  current: Deployment | undefined,
  configured: DeploymentTarget | undefined,
  options: DeployOptions,
): DeploymentTarget | undefined {
  if (current !== undefined && !targetFlagsGiven(options)) return undefined;
  const known = current?.target ?? configured;
  const kind = options.modelTarget ?? known?.kind ?? 'local';
  const base: DeploymentTarget = known?.kind === kind ? known : { kind };
  const target: DeploymentTarget = {
    ...base,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.url === undefined ? {} : { url: options.url }),
  };
  if (target.kind === 'local' && target.port === undefined) {
    throw invalidParameter('A local deployment needs a port.', {
      hint: 'Pass --port N (and --host H to listen elsewhere than 127.0.0.1), give the environment a port in slipway.yaml, or choose --model-target docker|kubernetes.',
    });
  }
  return target;
}

function planPolicy(
  current: Deployment | undefined,
  version: string,
  options: DeployOptions,
): { policy: DeploymentPolicy; action: DeploymentAction } {
  if (options.canary === undefined) return { policy: allTrafficTo(version), action: 'deploy' };
  if (current === undefined) {
    throw notFound('Nothing to canary against: the model is not deployed to this environment yet.', {
      hint: 'Deploy a first version without --canary.',
    });
  }
  return { policy: canaryPolicy(current, version, options.canary), action: 'canary' };
}

async function runDeploy(context: CliContext, environment: string, uri: string, options: DeployOptions) {
  environmentArgument(environment);
  const model = await withRegistry(context, options, (registry) => registry.resolveModel(uri));
  const deployment = await withDeployments(context, options, async (client) => {
    const current = await client.getDeployment(model.name, environment);
    const { policy, action } = planPolicy(current, model.version, options);
    // slipway.yaml's environment only matters for a first deployment: read it only then.
    const configured =
      current === undefined ? (await workspaceEnvironment(context, environment))?.environment : undefined;
    const target = planTarget(current, configured && environmentTarget(configured), options);
    return client.applyDeployment({
      model: model.name,
      environment,
      target,
      policy,
      action,
      reason: options.reason,
      expectedRevision: current?.revision ?? 0,
    });
  });
  const what = options.canary === undefined ? 'Deployed' : 'Canaried';
  printResult(context, deployment, [
    `${what} ${model.name} version ${model.version} (${model.semver}) to ${environment}, revision ${deployment.revision}.`,
    `Traffic: ${describePolicy(deployment.policy)}. Target: ${describeTarget(deployment.target)}.`,
  ]);
}

/** `slipway deploy <environment> <model-uri>`: record the next revision of a deployment. */
export const deployCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    withTrackingUriOption(program.command('deploy'))
      .description('send a registered model version to an environment (all traffic, or a --canary share)')
      .argument('<environment>', 'staging, production… (lowercase letters, digits, -; at most 20)')
      .argument('<model-uri>', 'models:/<name>/<version>, models:/<name>@<alias> or models:/<name>/<x.y.z>')
      .addOption(
        new Option('--model-target <kind>', 'where the environment runs (first deploy: local)').choices(
          DEPLOYMENT_TARGET_KINDS,
        ),
      )
      .option('--port <n>', 'local target: the port to serve on', parsePositiveInt)
      .option('--host <host>', 'local target: the interface to listen on (default 127.0.0.1)')
      .option('--url <url>', 'the endpoint the release flow talks to (docker, kubernetes)')
      .option(
        '--canary <percent>',
        'send this share of traffic to the version, the rest to the current primary',
        parsePercent,
      )
      .option('--reason <text>', 'why (kept in the history and the audit log)')
      .action((environment: string, uri: string, options: DeployOptions) =>
        runDeploy(context, environment, uri, options),
      );
  },
};
