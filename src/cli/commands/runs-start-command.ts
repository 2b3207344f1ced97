import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Command } from 'commander';
import { openTrackingClient } from '../../client/open-tracking-client.js';
import { loadConfig } from '../../config/load-config.js';
import { trackedInWorkspace } from '../../data/sdk.js';
import { SlipwayError } from '../../domain/errors.js';
import { logTrackedData } from '../../tracking/data-inputs.js';
import { ensureExperiment } from '../../tracking/ensure-experiment.js';
import { captureLineage } from '../../tracking/lineage.js';
import type { TrackingClient } from '../../tracking/tracking-client.js';
import type { RunStatus, Tag } from '../../tracking/types.js';
import type { CliContext } from '../cli-context.js';
import { CommandExit } from '../run-cli.js';
import {
  parseKeyValue,
  type TrackingOptions,
  trackingUriFor,
  withTrackingUriOption,
} from './tracking-command-support.js';

export interface StartOptions extends TrackingOptions {
  readonly experiment?: string;
  readonly name?: string;
  readonly tag: { key: string; value: string }[];
}

/** The environment a child gets so that MLflow's and Slipway's SDKs log into the run instead of a new one. */
export function runEnvironment(trackingUri: string, runId: string, experimentId: string): Record<string, string> {
  return {
    MLFLOW_TRACKING_URI: trackingUri,
    MLFLOW_RUN_ID: runId,
    MLFLOW_EXPERIMENT_ID: experimentId,
    SLIPWAY_TRACKING_URI: trackingUri,
    SLIPWAY_RUN_ID: runId,
  };
}

/** Lineage of the command (not of slipway itself), with the user's --tag values winning over captured ones. */
async function runTags(context: CliContext, command: readonly string[], given: readonly Tag[]): Promise<Tag[]> {
  const lineage = await captureLineage({ cwd: context.cwd, argv: command, sourceName: command[0] });
  return [...lineage.filter((tag) => !given.some((g) => g.key === tag.key)), ...given];
}

interface ChildOutcome {
  readonly status: RunStatus;
  /** The child's exit code, or 128 + the signal number when a signal ended it (as shells report it). */
  readonly exitCode: number;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Runs the command without a shell, its output streamed to ours; SIGINT and SIGTERM sent to us are passed on to
 * it, and the run then ends KILLED. Resolves when it has exited; a command that cannot start is an error.
 */
function runChild(context: CliContext, command: readonly string[], env: Record<string, string>): Promise<ChildOutcome> {
  const [program = '', ...args] = command;
  const child = spawn(program, args, {
    cwd: context.cwd,
    env: { ...context.env, ...env },
    stdio: ['inherit', 'pipe', 'pipe'],
  });
  child.stdout.pipe(context.stdout, { end: false });
  child.stderr.pipe(context.stderr, { end: false });
  let interrupted = false;
  const forward = (signal: NodeJS.Signals) => {
    interrupted = true;
    child.kill(signal);
  };
  for (const signal of SIGNALS) process.on(signal, forward);
  const stop = () => {
    for (const signal of SIGNALS) process.off(signal, forward);
  };
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      stop();
      reject(cannotStart(program, error));
    });
    child.once('close', (code, signal) => {
      stop();
      const exitCode = code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0));
      const status: RunStatus = interrupted || signal !== null ? 'KILLED' : code === 0 ? 'FINISHED' : 'FAILED';
      resolve({ status, exitCode });
    });
  });
}

const cannotStart = (program: string, cause: unknown) =>
  new SlipwayError(
    'INVALID_PARAMETER_VALUE',
    `Cannot run ${JSON.stringify(program)}: ${String((cause as Error).message)}.`,
    {
      cause,
      hint: 'Give the program as it is found on PATH (or a path to it) after `--`; it runs without a shell.',
    },
  );

async function startAndRun(context: CliContext, client: TrackingClient, command: string[], options: StartOptions) {
  const experimentId =
    options.experiment === undefined ? '0' : (await ensureExperiment(client, options.experiment)).experimentId;
  const tags = await runTags(context, command, options.tag);
  const userId = tags.find((tag) => tag.key === 'mlflow.user')?.value;
  const run = await client.createRun({ experimentId, runName: options.name, userId, tags });
  const { runId } = run.info;
  const data = await trackedInWorkspace({ cwd: context.cwd, env: context.env, homeDir: context.homeDir });
  if (data.length > 0) await logTrackedData(client, runId, data, 'workspace');
  if (!context.json) context.stderr.write(`slipway: run ${runId} (${run.info.runName}) started\n`);
  let outcome: ChildOutcome = { status: 'FAILED', exitCode: 127 };
  try {
    outcome = await runChild(context, command, runEnvironment(client.uri, runId, experimentId));
  } finally {
    await client.updateRun({ runId, status: outcome.status, endTime: Date.now() });
  }
  return { runId, runName: run.info.runName, experimentId, ...outcome };
}

/** `slipway runs start -- <command> [args…]`: a run around a command; exits with the command's status. */
export async function runStart(context: CliContext, command: string[], options: StartOptions): Promise<void> {
  if (command.length === 0) {
    throw new SlipwayError('BAD_REQUEST', 'No command to run.', { hint: 'slipway runs start -- python train.py' });
  }
  const config = await loadConfig({ cwd: context.cwd, env: context.env, homeDir: context.homeDir });
  const uri = trackingUriFor(context, options, config);
  const client = await openTrackingClient(uri, { objectsUri: config.objects.uri });
  const result = await startAndRun(context, client, command, options).finally(() => client.close());
  if (context.json) context.stdout.write(`${JSON.stringify(result)}\n`);
  else context.stderr.write(`slipway: run ${result.runId} ${result.status} (exit ${result.exitCode})\n`);
  if (result.exitCode !== 0) throw new CommandExit(result.exitCode);
}

/** Adds `runs start` to the `runs` group. */
export function registerRunsStart(group: Command, context: CliContext): void {
  withTrackingUriOption(group.command('start'))
    .description('run a command as a tracked run (lineage captured; ends FINISHED, FAILED or KILLED)')
    .usage('[options] -- <command> [args...]')
    .option('--experiment <name>', 'the experiment (created if missing; default: the Default experiment)')
    .option('--name <run>', 'the run name (default: generated)')
    .option(
      '--tag <key=value>',
      'a run tag (repeatable)',
      (value: string, previous: Tag[]) => [...previous, parseKeyValue(value)],
      [],
    )
    .argument('<command...>', 'the command and its arguments, after --')
    .action((command: string[], options: StartOptions) => runStart(context, command, options));
}
