import type { Command } from 'commander';
import type { TrackingClient } from '../../tracking/tracking-client.js';
import type { Run } from '../../tracking/types.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import { listExperiments } from './experiments-command.js';
import { compareRuns, comparisonTable, runDetails, runTable } from './runs-output.js';
import { registerRunsStart } from './runs-start-command.js';
import {
  collect,
  parsePositiveInt,
  printResult,
  type TrackingOptions,
  withTracking,
  withTrackingUriOption,
} from './tracking-command-support.js';

interface SearchOptions extends TrackingOptions {
  readonly experiment: string[];
  readonly filter?: string;
  readonly orderBy: string[];
  readonly all?: boolean;
  readonly max: number;
}

/** The ids of the named experiments, or of every active experiment when none is named. */
async function experimentIds(client: TrackingClient, names: readonly string[]): Promise<string[]> {
  if (names.length === 0) return (await listExperiments(client, { max: 1000 })).map((e) => e.experimentId);
  return Promise.all(names.map(async (name) => (await client.getExperimentByName(name)).experimentId));
}

async function searchAll(client: TrackingClient, options: SearchOptions): Promise<Run[]> {
  const ids = await experimentIds(client, options.experiment);
  const found: Run[] = [];
  let pageToken: string | undefined;
  do {
    const page = await client.searchRuns({
      experimentIds: ids,
      filter: options.filter,
      orderBy: options.orderBy,
      runViewType: options.all ? 'ALL' : 'ACTIVE_ONLY',
      maxResults: Math.min(options.max - found.length, 1000),
      pageToken,
    });
    found.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken !== undefined && found.length < options.max);
  return found;
}

async function runSearch(context: CliContext, options: SearchOptions): Promise<void> {
  const runs = await withTracking(context, options, (client) => searchAll(client, options));
  printResult(context, { runs }, runs.length === 0 ? ['No runs.'] : runTable(runs));
}

async function runShow(context: CliContext, runId: string, options: TrackingOptions): Promise<void> {
  const run = await withTracking(context, options, (client) => client.getRun(runId));
  printResult(context, { run }, runDetails(run));
}

async function runCompare(context: CliContext, runIds: string[], options: TrackingOptions): Promise<void> {
  const runs = await withTracking(context, options, (client) => Promise.all(runIds.map((id) => client.getRun(id))));
  const comparison = compareRuns(runs);
  printResult(context, comparison, comparisonTable(runs, comparison));
}

const searchCommand = (command: Command, withFilter: boolean) => {
  withTrackingUriOption(command)
    .option('--experiment <name>', 'an experiment to search (repeatable; default all active ones)', collect, [])
    .option('--all', 'include deleted runs')
    .option('--max <n>', 'at most this many runs', parsePositiveInt, 1000);
  if (!withFilter) return command.option('--order-by <clause>', 'e.g. "metrics.acc DESC" (repeatable)', collect, []);
  return command
    .option('--filter <filter>', 'MLflow filter, e.g. "metrics.acc > 0.8 and params.model = \'rf\'"')
    .option('--order-by <clause>', 'e.g. "metrics.acc DESC" (repeatable)', collect, []);
};

/** `slipway runs list|show|compare|search|start`. */
export const runsCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    const group = program.command('runs').description('inspect tracked runs: params, metrics, tags, lineage');
    searchCommand(group.command('list'), false)
      .description('list runs, newest first')
      .action((options: SearchOptions) => runSearch(context, options));
    searchCommand(group.command('search'), true)
      .description('find runs with an MLflow filter and order')
      .action((options: SearchOptions) => runSearch(context, options));
    withTrackingUriOption(group.command('show'))
      .description('show one run: info, params, latest metrics, tags, inputs')
      .argument('<run-id>', 'the run id')
      .action((runId: string, options: TrackingOptions) => runShow(context, runId, options));
    withTrackingUriOption(group.command('compare'))
      .description('params and latest metrics of several runs side by side')
      .argument('<run-ids...>', 'two or more run ids')
      .action((runIds: string[], options: TrackingOptions) => runCompare(context, runIds, options));
    registerRunsStart(group, context);
  },
};
