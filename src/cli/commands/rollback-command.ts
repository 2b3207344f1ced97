import type { Command } from 'commander';
import { findRollbackVersion } from '../../deploy/deployments/deployment-changes.js';
import { allTrafficTo, primaryVersion } from '../../deploy/deployments/deployment-types.js';
import { SlipwayError } from '../../domain/errors.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import {
  describePolicy,
  environmentArgument,
  pickDeployment,
  registryVersion,
  withDeployments,
} from './deployments-command-support.js';
import { withRegistry } from './models-command-support.js';
import { printResult, type TrackingOptions, withTrackingUriOption } from './tracking-command-support.js';

interface RollbackOptions extends TrackingOptions {
  readonly model?: string;
  readonly to?: string;
  readonly reason?: string;
}

async function runRollback(context: CliContext, environment: string, options: RollbackOptions) {
  environmentArgument(environment);
  const { deployment, from } = await withDeployments(context, options, async (client) => {
    const current = await pickDeployment(client, environment, options.model);
    const version =
      options.to === undefined
        ? await findRollbackVersion(client, current)
        : await withRegistry(context, options, (registry) =>
            registryVersion(registry, current.model, options.to ?? ''),
          );
    if (current.policy.routes.length === 1 && primaryVersion(current.policy) === version) {
      throw new SlipwayError(
        'INVALID_STATE',
        `${current.model} in ${environment} already sends all traffic to ${version}.`,
      );
    }
    const applied = await client.applyDeployment({
      model: current.model,
      environment,
      policy: allTrafficTo(version),
      action: 'rollback',
      reason: options.reason,
      expectedRevision: current.revision,
    });
    return { deployment: applied, from: current };
  });
  printResult(context, deployment, [
    `Rolled ${deployment.model} in ${environment} back to version ${primaryVersion(deployment.policy)}, revision ${deployment.revision}.`,
    `Traffic was ${describePolicy(from.policy)}; now ${describePolicy(deployment.policy)}.`,
  ]);
}

/** `slipway rollback <environment>`: all traffic back to an earlier version. */
export const rollbackCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    withTrackingUriOption(program.command('rollback'))
      .description('send all traffic of a deployment back to the previous primary version (or --to VERSION)')
      .argument('<environment>', 'the environment to roll back')
      .option('--model <name>', 'the deployed model (default: the only one in the environment)')
      .option('--to <version>', 'the registry version (3) or semantic version (1.4.0) to go to')
      .option('--reason <text>', 'why (kept in the history and the audit log)')
      .action((environment: string, options: RollbackOptions) => runRollback(context, environment, options));
  },
};
