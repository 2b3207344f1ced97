import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { RELEASE_STATUSES, type ReleaseStatus } from '../../deploy/deployments/deployment-types.js';
import { invalidParameter } from '../../domain/errors.js';
import { parseDuration } from '../../pipelines/release/parse-duration.js';
import { promoteRelease, resumeRelease, runRelease } from '../../pipelines/release/run-release.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import { environmentArgument, withDeployments } from './deployments-command-support.js';
import { type ReleaseOptions, reportRelease, withRelease } from './release-command-support.js';
import {
  formatTime,
  parsePositiveInt,
  printResult,
  type TrackingOptions,
  table,
  withTrackingUriOption,
} from './tracking-command-support.js';

interface RunOptions extends ReleaseOptions {
  readonly to?: string;
}

interface ListOptions extends TrackingOptions {
  readonly model?: string;
  readonly status?: ReleaseStatus;
  readonly maxResults?: number;
}

async function runReleaseCommand(context: CliContext, options: RunOptions): Promise<void> {
  const result = await withRelease(context, options, (run) => {
    const to = options.to ?? run.config.environments.at(-1)?.name;
    if (to === undefined) {
      throw invalidParameter('slipway.yaml has no environments:, so there is nowhere to release to.', {
        hint: 'Add environments: {staging: {port: 5101}, production: {port: 5102, approval: manual}}.',
      });
    }
    return runRelease({ ...run, to });
  });
  reportRelease(context, result);
}

async function runApprove(context: CliContext, releaseId: string, options: ReleaseOptions): Promise<void> {
  reportRelease(context, await withRelease(context, options, (run) => resumeRelease({ ...run, releaseId })));
}

async function runPromote(context: CliContext, from: string, to: string, options: ReleaseOptions): Promise<void> {
  reportRelease(context, await withRelease(context, options, (run) => promoteRelease({ ...run, from, to })));
}

async function runList(context: CliContext, options: ListOptions): Promise<void> {
  const releases = await withDeployments(context, options, (client) =>
    client.listReleases({ model: options.model, status: options.status, maxResults: options.maxResults }),
  );
  const rows = releases.map((r) => [r.id, r.model, r.version ?? '', r.target, r.status, formatTime(r.createdAt)]);
  printResult(context, { releases }, table(['ID', 'MODEL', 'VERSION', 'TO', 'STATUS', 'STARTED'], rows));
}

async function runShow(context: CliContext, releaseId: string, options: TrackingOptions): Promise<void> {
  const shown = await withDeployments(context, options, async (client) => ({
    release: await client.getRelease(releaseId),
    steps: await client.listReleaseSteps(releaseId),
  }));
  const rows = shown.steps.map((s) => [
    formatTime(s.time),
    s.step,
    s.environment ?? '',
    s.status,
    typeof s.details.message === 'string' ? s.details.message : '',
  ]);
  const { release } = shown;
  const head = `Release ${release.id} of ${release.model} ${release.version ?? ''} to ${release.target}: ${release.status}`;
  printResult(context, shown, [head, ...table(['TIME', 'STEP', 'ENVIRONMENT', 'STATUS', 'MESSAGE'], rows)]);
}

const duration = (value: string): number => {
  const ms = parseDuration(value);
  if (ms === undefined) throw new InvalidArgumentError('write a duration such as 90s, 2m or 500ms');
  return ms;
};

const status = (value: string): ReleaseStatus => {
  if ((RELEASE_STATUSES as readonly string[]).includes(value)) return value as ReleaseStatus;
  throw new InvalidArgumentError(`one of ${RELEASE_STATUSES.join(', ')}`);
};

const withReleaseOptions = (command: Command): Command =>
  withTrackingUriOption(
    command
      .option('-j, --jobs <n>', 'run up to n independent pipeline stages at once', parsePositiveInt)
      .option('--apply-timeout <duration>', 'how long a serving process may take to apply a revision', duration),
  );

/** `slipway release`, `slipway release approve|list|show`, and `slipway promote`. */
export const releaseCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    const release = withReleaseOptions(
      program
        .command('release')
        .description('repro → register → gates → staging → smoke → approval → rollout to production, audited')
        .option('--to <environment>', 'the last environment to release to (default: the last in slipway.yaml)'),
    ).action((options: RunOptions) => runReleaseCommand(context, options));
    withReleaseOptions(
      release
        .command('approve')
        .description('continue a release that waits for a manual approval')
        .argument('<release-id>', 'the release (slipway release list --status awaiting_approval)'),
    ).action((id: string, options: ReleaseOptions) => runApprove(context, id, options));
    withTrackingUriOption(
      release
        .command('list')
        .description('list releases, newest first')
        .option('--model <name>', 'only this model')
        .option('--status <status>', `only releases in this status (${RELEASE_STATUSES.join(', ')})`, status)
        .option('--max-results <n>', 'at most n releases (default 100)', parsePositiveInt),
    ).action((options: ListOptions) => runList(context, options));
    withTrackingUriOption(
      release.command('show').description("a release's audited steps").argument('<release-id>'),
    ).action((id: string, options: TrackingOptions) => runShow(context, id, options));
  },
};

/** `slipway promote <from> <to>`. */
export const promoteCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    withReleaseOptions(
      program
        .command('promote')
        .description("send the version one environment serves to the next, through that environment's rollout")
        .argument('<from>', 'the environment serving the version (e.g. staging)', environmentArgument)
        .argument('<to>', 'the environment to promote it to (e.g. production)', environmentArgument),
    ).action((from: string, to: string, options: ReleaseOptions) => runPromote(context, from, to, options));
  },
};
