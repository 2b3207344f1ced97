import type { Command } from 'commander';
import type { DeploymentRevision } from '../../deploy/deployments/deployment-types.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import {
  describePolicy,
  describeTarget,
  environmentArgument,
  pickDeployment,
  withDeployments,
} from './deployments-command-support.js';
import {
  formatTime,
  parsePositiveInt,
  printResult,
  type TrackingOptions,
  table,
  withTrackingUriOption,
} from './tracking-command-support.js';

interface ListOptions extends TrackingOptions {
  readonly model?: string;
  readonly environment?: string;
}

interface PickOptions extends TrackingOptions {
  readonly model?: string;
}

interface HistoryOptions extends PickOptions {
  readonly maxResults: number;
}

async function runList(context: CliContext, options: ListOptions) {
  const filter = { model: options.model, environment: options.environment };
  const deployments = await withDeployments(context, options, (client) => client.listDeployments(filter));
  const rows = deployments.map((d) => [
    d.environment,
    d.model,
    String(d.revision),
    describePolicy(d.policy),
    describeTarget(d.target),
    formatTime(d.time),
    d.actor,
  ]);
  printResult(
    context,
    { deployments },
    table(['ENVIRONMENT', 'MODEL', 'REV', 'TRAFFIC', 'TARGET', 'UPDATED', 'BY'], rows),
  );
}

async function runHistory(context: CliContext, environment: string, options: HistoryOptions) {
  environmentArgument(environment);
  const revisions = await withDeployments(context, options, async (client) => {
    const { model } = await pickDeployment(client, environment, options.model);
    const found: DeploymentRevision[] = [];
    let pageToken: string | undefined;
    do {
      const maxResults = Math.min(options.maxResults - found.length, 1000);
      const page = await client.listDeploymentHistory({ model, environment, maxResults, pageToken });
      found.push(...page.items);
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined && found.length < options.maxResults);
    return found;
  });
  const rows = revisions.map((r) => [
    String(r.revision),
    formatTime(r.time),
    r.actor,
    r.action,
    describePolicy(r.policy),
    r.reason?.replace(/\s+/g, ' ') ?? '',
  ]);
  printResult(context, { revisions }, table(['REV', 'TIME', 'BY', 'ACTION', 'TRAFFIC', 'REASON'], rows));
}

async function runRemove(context: CliContext, environment: string, options: PickOptions) {
  environmentArgument(environment);
  const removed = await withDeployments(context, options, async (client) => {
    const deployment = await pickDeployment(client, environment, options.model);
    await client.deleteDeployment(deployment.model, environment);
    return deployment;
  });
  printResult(context, { model: removed.model, environment, removed: true }, [
    `Removed the deployment of ${removed.model} from ${environment} (its history stays in the audit log).`,
  ]);
}

/** `slipway deployments list|history|remove`. */
export const deploymentsCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    const deployments = program.command('deployments').description('list deployments, read their history, remove one');
    withTrackingUriOption(deployments.command('list'))
      .description('what is deployed where, with its traffic and target')
      .option('--model <name>', 'only this model')
      .option('--environment <name>', 'only this environment')
      .action((options: ListOptions) => runList(context, options));
    withTrackingUriOption(deployments.command('history'))
      .description('the revisions of a deployment, newest first')
      .argument('<environment>')
      .option('--model <name>', 'the deployed model (default: the only one in the environment)')
      .option('--max-results <n>', 'at most this many revisions', parsePositiveInt, 100)
      .action((environment: string, options: HistoryOptions) => runHistory(context, environment, options));
    withTrackingUriOption(deployments.command('remove'))
      .description('remove a deployment (the audit log keeps its history)')
      .argument('<environment>')
      .option('--model <name>', 'the deployed model (default: the only one in the environment)')
      .action((environment: string, options: PickOptions) => runRemove(context, environment, options));
  },
};
