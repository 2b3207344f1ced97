import type { Command } from 'commander';
import { isSlipwayError } from '../../domain/errors.js';
import type { TrackingClient } from '../../tracking/tracking-client.js';
import type { Experiment } from '../../tracking/types.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import {
  collect,
  formatTime,
  parseKeyValue,
  parsePositiveInt,
  printResult,
  type TrackingOptions,
  table,
  withTracking,
  withTrackingUriOption,
} from './tracking-command-support.js';

interface ListOptions extends TrackingOptions {
  readonly filter?: string;
  readonly all?: boolean;
  readonly max: number;
}

/** Experiments matching the options, following pages up to `max`. */
export async function listExperiments(client: TrackingClient, options: ListOptions): Promise<Experiment[]> {
  const found: Experiment[] = [];
  let pageToken: string | undefined;
  do {
    const maxResults = Math.min(options.max - found.length, 1000);
    const viewType = options.all ? 'ALL' : 'ACTIVE_ONLY';
    const page = await client.searchExperiments({ filter: options.filter, viewType, maxResults, pageToken });
    found.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken !== undefined && found.length < options.max);
  return found;
}

async function runList(context: CliContext, options: ListOptions): Promise<void> {
  const experiments = await withTracking(context, options, (client) => listExperiments(client, options));
  const rows = experiments.map((e) => [e.experimentId, e.name, e.lifecycleStage, formatTime(e.creationTime)]);
  printResult(context, { experiments }, table(['ID', 'NAME', 'STAGE', 'CREATED'], rows));
}

async function runCreate(context: CliContext, name: string, options: TrackingOptions & { tag: string[] }) {
  const tags = options.tag.map(parseKeyValue);
  const created = await withTracking(context, options, (client) => client.createExperiment({ name, tags }));
  printResult(context, created, [`Created experiment ${name} (id ${created.experimentId}).`]);
}

/** An experiment by name; a decimal id that names no experiment is taken as an id. */
async function experimentIdOf(client: TrackingClient, nameOrId: string): Promise<string> {
  try {
    return (await client.getExperimentByName(nameOrId)).experimentId;
  } catch (error) {
    if (isSlipwayError(error) && error.code === 'RESOURCE_DOES_NOT_EXIST' && /^\d+$/.test(nameOrId)) return nameOrId;
    throw error;
  }
}

async function runDelete(context: CliContext, nameOrId: string, options: TrackingOptions) {
  const experimentId = await withTracking(context, options, async (client) => {
    const id = await experimentIdOf(client, nameOrId);
    await client.deleteExperiment(id);
    return id;
  });
  printResult(context, { experimentId, deleted: true }, [`Deleted experiment ${nameOrId} (id ${experimentId}).`]);
}

/** `slipway experiments list|create|delete`. */
export const experimentsCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    const group = program.command('experiments').description('list, create and delete tracking experiments');
    withTrackingUriOption(group.command('list'))
      .description('list experiments')
      .option('--filter <filter>', 'MLflow filter, e.g. "name LIKE \'wine%\'"')
      .option('--all', 'include deleted experiments')
      .option('--max <n>', 'at most this many', parsePositiveInt, 1000)
      .action((options: ListOptions) => runList(context, options));
    withTrackingUriOption(group.command('create'))
      .description('create an experiment')
      .argument('<name>', 'experiment name')
      .option('--tag <key=value>', 'an experiment tag (repeatable)', collect, [])
      .action((name: string, options: TrackingOptions & { tag: string[] }) => runCreate(context, name, options));
    withTrackingUriOption(group.command('delete'))
      .description('delete an experiment and its runs (restorable)')
      .argument('<experiment>', 'experiment name (or id)')
      .action((name: string, options: TrackingOptions) => runDelete(context, name, options));
  },
};
