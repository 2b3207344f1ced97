import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { parseArtifactPath } from '../../domain/artifact-path.js';
import { quoteString } from '../../domain/search/print-filter.js';
import { writeStreamToFile } from '../../lib/write-stream-to-file.js';
import { ensureRegisteredModel } from '../../registry/ensure-registered-model.js';
import { parsePointInTime } from '../../registry/list-model-history.js';
import type { RegistryClient } from '../../registry/registry-client.js';
import type { ModelVersion, RegisteredModel } from '../../registry/types.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import { withRegistry } from './models-command-support.js';
import { registerWebhooksCommand } from './models-webhooks-command.js';
import {
  collect,
  formatTime,
  parseKeyValue,
  parsePositiveInt,
  printResult,
  type TrackingOptions,
  table,
  withTrackingUriOption,
} from './tracking-command-support.js';

/** Adds a subcommand group under `slipway models` (the webhooks group is one). */
export type ModelsSubcommand = (models: Command, context: CliContext) => void;

/** Subcommand groups other modules add to `slipway models`: `slipway models webhooks …`. */
export const MODELS_SUBCOMMANDS: readonly ModelsSubcommand[] = [registerWebhooksCommand];

interface RegisterOptions extends TrackingOptions {
  readonly name: string;
  readonly description?: string;
  readonly semver?: string;
  readonly runId?: string;
  readonly tag: string[];
}

async function runRegister(context: CliContext, source: string, options: RegisterOptions) {
  const version = await withRegistry(context, options, async (client) => {
    await ensureRegisteredModel(client, options.name);
    return client.createModelVersion({
      name: options.name,
      source,
      runId: options.runId,
      description: options.description,
      semver: options.semver,
      tags: options.tag.map(parseKeyValue),
    });
  });
  printResult(context, version, [
    `Registered ${version.name} version ${version.version} (${version.semver}), pinned ${version.digest}.`,
  ]);
}

async function listModels(client: RegistryClient, filter: string | undefined, max: number) {
  const found: RegisteredModel[] = [];
  let pageToken: string | undefined;
  do {
    const page = await client.searchRegisteredModels({
      filter,
      maxResults: Math.min(max - found.length, 1000),
      pageToken,
    });
    found.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken !== undefined && found.length < max);
  return found;
}

async function runList(context: CliContext, options: TrackingOptions & { filter?: string; max: number }) {
  const models = await withRegistry(context, options, (client) => listModels(client, options.filter, options.max));
  const rows = models.map((m) => [
    m.name,
    m.aliases.map((a) => `${a.alias}→${a.version}`).join(' '),
    formatTime(m.lastUpdatedTimestamp),
  ]);
  printResult(context, { models }, table(['NAME', 'ALIASES', 'UPDATED'], rows));
}

async function runShow(context: CliContext, name: string, options: TrackingOptions) {
  const { model, versions } = await withRegistry(context, options, async (client) => {
    const found = await client.getRegisteredModel(name);
    const page = await client.searchModelVersions({ filter: `name = ${quoteString(found.name)}`, maxResults: 1000 });
    return { model: found, versions: page.items };
  });
  const rows = versions.map((v: ModelVersion) => [
    v.version,
    v.semver,
    v.aliases.join(' '),
    v.currentStage,
    v.digest.slice(0, 19),
    v.source,
  ]);
  const lines = [
    `${model.name}${model.description ? `\n${model.description}\n` : ''}`,
    ...table(['VERSION', 'SEMVER', 'ALIASES', 'STAGE', 'DIGEST', 'SOURCE'], rows),
  ];
  printResult(context, { model, versions }, lines);
}

async function runAlias(context: CliContext, name: string, alias: string, version: string, options: TrackingOptions) {
  await withRegistry(context, options, (client) => client.setAlias(name, alias, version));
  printResult(context, { name, alias, version }, [`${name}@${alias} → version ${version}.`]);
}

async function runUnalias(context: CliContext, name: string, alias: string, options: TrackingOptions) {
  await withRegistry(context, options, (client) => client.deleteAlias(name, alias));
  printResult(context, { name, alias, deleted: true }, [`Removed alias ${alias} of ${name}.`]);
}

interface HistoryOptions extends TrackingOptions {
  readonly max: number;
  readonly alias?: string;
  readonly at?: string;
}

async function runHistory(context: CliContext, name: string, options: HistoryOptions) {
  if (options.alias !== undefined) {
    const at = options.at === undefined ? Date.now() : parsePointInTime(options.at, '--at');
    const answer = await withRegistry(context, options, (client) => client.getAliasAt(name, options.alias ?? '', at));
    const where = answer.version === null ? 'pointed nowhere' : `pointed to version ${answer.version}`;
    printResult(context, answer, [`At ${new Date(at).toISOString()}, ${name}@${answer.alias} ${where}.`]);
    return;
  }
  const page = await withRegistry(context, options, (client) => client.listHistory({ name, maxResults: options.max }));
  const rows = page.items.map((e) => [formatTime(e.time), e.actor, e.kind, describePayload(e.payload)]);
  printResult(context, { events: page.items }, table(['TIME', 'ACTOR', 'EVENT', 'CHANGE'], rows));
}

function describePayload(payload: Record<string, unknown>): string {
  const what = [payload.alias, payload.key, payload.version].filter((x) => typeof x === 'string').join(' ');
  const change =
    'before' in payload || 'after' in payload
      ? ` ${String(payload.before ?? '-')} → ${String(payload.after ?? '-')}`
      : '';
  return `${what}${change}`.trim();
}

async function runDelete(context: CliContext, name: string, version: string | undefined, options: TrackingOptions) {
  await withRegistry(context, options, (client) =>
    version === undefined ? client.deleteRegisteredModel(name) : client.deleteModelVersion(name, version),
  );
  const what = version === undefined ? `model ${name}` : `version ${version} of ${name}`;
  printResult(context, { name, version: version ?? null, deleted: true }, [`Deleted ${what}.`]);
}

async function runDownload(context: CliContext, uri: string, options: TrackingOptions & { output: string }) {
  const output = join(context.cwd, options.output);
  const model = await withRegistry(context, options, async (client) => {
    const resolved = await client.resolveModel(uri);
    for (const file of resolved.files) {
      const target = join(output, parseArtifactPath(file.path));
      await mkdir(dirname(target), { recursive: true });
      await writeStreamToFile(await client.openModelFile(resolved, file.path), target, { mode: 0o644 });
    }
    return resolved;
  });
  printResult(context, { ...model, output }, [
    `Downloaded ${model.name} version ${model.version} (${model.semver}, ${model.files.length} files, ${model.digest}) to ${output}.`,
  ]);
}

/** `slipway models register|list|show|alias|unalias|history|delete|download` (and groups plugged in by others). */
export function createModelsCommand(subcommands: readonly ModelsSubcommand[]): CommandModule {
  return {
    register(program: Command, context: CliContext): void {
      const models = program
        .command('models')
        .description('register model versions, move aliases, read the audit trail');
      withTrackingUriOption(models.command('register'))
        .description('register a version (creating the model if needed); it pins the source files')
        .argument('<source>', 'runs:/<run_id>/<path>, mlflow-artifacts:/<path> or models:/<name>/<version>')
        .requiredOption('--name <name>', 'registered model name')
        .option('--description <markdown>', 'the version description')
        .option('--semver <x.y.z>', 'override the automatic semantic version')
        .option('--run-id <id>', 'the run the model came from (for mlflow-artifacts:/ sources)')
        .option('--tag <key=value>', 'a version tag (repeatable)', collect, [])
        .action((source: string, options: RegisterOptions) => runRegister(context, source, options));
      withTrackingUriOption(models.command('list'))
        .description('list registered models')
        .option('--filter <filter>', 'MLflow filter, e.g. "name LIKE \'wine%\'"')
        .option('--max <n>', 'at most this many', parsePositiveInt, 1000)
        .action((options: TrackingOptions & { filter?: string; max: number }) => runList(context, options));
      withTrackingUriOption(models.command('show'))
        .description('show a model and its versions')
        .argument('<name>')
        .action((name: string, options: TrackingOptions) => runShow(context, name, options));
      withTrackingUriOption(models.command('alias'))
        .description('point an alias at a version (creates or moves it)')
        .arguments('<name> <alias> <version>')
        .action((name: string, alias: string, version: string, options: TrackingOptions) =>
          runAlias(context, name, alias, version, options),
        );
      withTrackingUriOption(models.command('unalias'))
        .description('remove an alias')
        .arguments('<name> <alias>')
        .action((name: string, alias: string, options: TrackingOptions) => runUnalias(context, name, alias, options));
      withTrackingUriOption(models.command('history'))
        .description('the audit trail of a model, newest first; with --alias, where it pointed at --at')
        .argument('<name>')
        .option('--max <n>', 'at most this many events', parsePositiveInt, 100)
        .option('--alias <alias>', 'answer where this alias pointed')
        .option('--at <time>', 'ISO time or ms since the epoch (default now)')
        .action((name: string, options: HistoryOptions) => runHistory(context, name, options));
      withTrackingUriOption(models.command('delete'))
        .description('delete a model with all its versions, or only the given version')
        .arguments('<name> [version]')
        .action((name: string, version: string | undefined, options: TrackingOptions) =>
          runDelete(context, name, version, options),
        );
      withTrackingUriOption(models.command('download'))
        .description('download the pinned files of a models:/ URI, each verified against its digest')
        .argument('<uri>', 'models:/<name>/<version>, models:/<name>@<alias> or models:/<name>/<x.y.z>')
        .requiredOption('-o, --output <dir>', 'folder to write into')
        .action((uri: string, options: TrackingOptions & { output: string }) => runDownload(context, uri, options));
      for (const add of subcommands) add(models, context);
    },
  };
}

export const modelsCommand: CommandModule = createModelsCommand(MODELS_SUBCOMMANDS);
