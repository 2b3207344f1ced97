import type { Writable } from 'node:stream';
import type { Workspace } from '../../data/workspace/workspace.js';
import type { ReproInput, StageEvent, StageOutcome } from '../../pipelines/repro.js';
import type { TrackingClient } from '../../tracking/tracking-client.js';
import type { CliContext } from '../cli-context.js';
import { withWorkspace } from './data-command-support.js';
import { type TrackingOptions, table, withTracking } from './tracking-command-support.js';

/** The options `repro` and `exp run` share. */
export interface RunStagesOptions extends TrackingOptions {
  readonly jobs?: number;
  readonly force?: boolean;
  /** commander's `--no-track`. */
  readonly track: boolean;
}

/**
 * Opens the workspace and (unless --no-track) the tracking client, then runs `fn` with what repro needs: stage
 * output on stdout (stderr with --json, which keeps stdout for the one JSON value), stage lines on a terminal.
 */
export function withStages<T>(
  context: CliContext,
  options: RunStagesOptions,
  fn: (ws: Workspace, base: Omit<ReproInput, 'targets'>) => Promise<T>,
): Promise<T> {
  const base = (client: TrackingClient | undefined): Omit<ReproInput, 'targets'> => ({
    jobs: options.jobs,
    force: options.force,
    output: { stdout: context.json ? context.stderr : context.stdout, stderr: context.stderr },
    onStage: stageLines(context),
    ...(client === undefined ? {} : { tracking: { client } }),
  });
  return withWorkspace(context, (ws) =>
    options.track ? withTracking(context, options, (client) => fn(ws, base(client))) : fn(ws, base(undefined)),
  );
}

/** A line per stage event on standard error, only on a terminal and without --json. */
function stageLines(context: CliContext): ((event: StageEvent) => void) | undefined {
  const stream = context.stderr as Writable & { isTTY?: boolean };
  if (context.json || stream.isTTY !== true) return undefined;
  return (event) => {
    if (event.status === 'running') stream.write(`Running stage ${event.name}: ${event.reasons.join('; ')}\n`);
  };
}

const WORDS: Record<StageOutcome['status'], string> = {
  ran: 'ran',
  restored: 'restored from the run cache',
  'up-to-date': 'up to date',
  frozen: 'frozen (not run)',
  'would-run': 'would run',
};

/** One row per stage: its name, what happened, why, and its run. */
export function outcomeLines(stages: readonly StageOutcome[]): string[] {
  if (stages.length === 0) return ['No stages.'];
  return table(
    ['STAGE', 'RESULT', 'WHY', 'RUN'],
    stages.map((s) => [s.name, WORDS[s.status], s.reasons.join('; '), s.runId ?? '']),
  );
}
