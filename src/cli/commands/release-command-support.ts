import { openRegistryClient } from '../../client/open-registry-client.js';
import { openTrackingClient } from '../../client/open-tracking-client.js';
import { loadConfig } from '../../config/load-config.js';
import type { ReleaseStep } from '../../deploy/deployments/deployment-types.js';
import type { RolloutEvent } from '../../deploy/rollout/rollout-types.js';
import { invalidParameter } from '../../domain/errors.js';
import { loadPipeline } from '../../pipelines/parse-pipeline.js';
import type { ReleaseConfig } from '../../pipelines/release/release-config.js';
import type { ReleaseResult, ReleaseSteps, RunReleaseInput } from '../../pipelines/release/release-flow-types.js';
import { createReleaseSteps } from '../../pipelines/release/release-steps.js';
import type { CliContext } from '../cli-context.js';
import { CommandExit } from '../run-cli.js';
import { withWorkspace } from './data-command-support.js';
import { openDeploymentsForCli } from './deployments-command-support.js';
import { fetchModelForCli } from './model-fetch-support.js';
import { osUser } from './models-command-support.js';
import { type TrackingOptions, trackingUriFor } from './tracking-command-support.js';

export interface ReleaseOptions extends TrackingOptions {
  readonly jobs?: number;
  /** How long a serving process may take to apply a revision (ms). */
  readonly applyTimeout?: number;
}

/** What every release command runs with: the parsed release config, the real steps, the clients. */
export type ReleaseRun = Omit<RunReleaseInput, 'to'> & { readonly config: ReleaseConfig; readonly steps: ReleaseSteps };

/**
 * Opens the workspace, reads slipway.yaml's release sections, opens tracking, registry and deployments on one
 * tracking URI (trackingUriFor), wires the real release steps, runs `fn`, and closes everything.
 */
export async function withRelease<T>(
  context: CliContext,
  options: ReleaseOptions,
  fn: (run: ReleaseRun) => Promise<T>,
): Promise<T> {
  const config = await loadConfig({ cwd: context.cwd, env: context.env, homeDir: context.homeDir });
  const uri = trackingUriFor(context, options, config);
  return withWorkspace(context, async (ws) => {
    const pipeline = await loadPipeline(ws.root);
    if (pipeline.release?.model === undefined) {
      throw invalidParameter('slipway.yaml has no model: section, so there is nothing to release.', {
        hint: 'Add model: {name: …, path: …} and environments: (docs/pipelines.md, "Releases").',
      });
    }
    const tracking = await openTrackingClient(uri, { objectsUri: config.objects.uri });
    const registry = await openRegistryClient(uri, { objectsUri: config.objects.uri, actor: osUser(context) });
    const client = await openDeploymentsForCli(context, { trackingUri: uri });
    try {
      const steps = createReleaseSteps({
        ws,
        pipeline,
        tracking,
        registry,
        repro: {
          jobs: options.jobs,
          output: { stdout: context.stderr, stderr: context.stderr },
        },
        fetchVersion: async (model, version) =>
          (await fetchModelForCli(context, `models:/${model}/${version}`, uri)).folder,
      });
      return await fn({
        client,
        config: pipeline.release,
        steps,
        applyTimeoutMs: options.applyTimeout,
        onProgress: progressLines(context),
        onRollout: rolloutLines(context),
      });
    } finally {
      await Promise.allSettled([client.close(), registry.close(), tracking.close()]);
    }
  });
}

/** One line per recorded step on standard error (standard output keeps the result, one JSON value with --json). */
function progressLines(context: CliContext): (step: ReleaseStep) => void {
  return (step) => {
    if (step.status === 'started') return;
    const where = step.environment === undefined ? '' : ` ${step.environment}`;
    const message = typeof step.details.message === 'string' ? `: ${step.details.message}` : '';
    context.stderr.write(`release ${step.releaseId.slice(0, 8)}: ${step.step}${where} ${step.status}${message}\n`);
  };
}

function rolloutLines(context: CliContext): (environment: string, event: RolloutEvent) => void {
  return (environment, event) => {
    if (event.kind === 'step-started') {
      context.stderr.write(
        `  ${environment}: step ${event.step}/${event.steps}: version ${event.candidate} takes ${event.weight}% for ${event.durationMs / 1000}s\n`,
      );
    } else if (event.kind === 'interval') {
      const c = event.report.candidate;
      if (c !== undefined) {
        const p99 = c.p99Ms === undefined ? 'n/a' : `${c.p99Ms.toFixed(1)} ms`;
        context.stderr.write(
          `  ${environment}: version ${c.version}: ${c.requests} requests, ${c.failed} failed, p99 ${p99}${event.report.judged ? '' : ' (not judged)'}\n`,
        );
      }
    }
  };
}

/** Prints the outcome (one JSON value with --json) and exits non-zero unless it succeeded or waits for approval. */
export function reportRelease(context: CliContext, result: ReleaseResult): void {
  const { release } = result;
  if (context.json) context.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    const version = result.version === undefined ? '' : ` version ${result.version}`;
    const lines = [`Release ${release.id} of ${release.model}${version}: ${release.status}`];
    if (result.stopped !== undefined) {
      const where = result.stopped.environment === undefined ? '' : ` (${result.stopped.environment})`;
      lines.push(`Stopped at ${result.stopped.step}${where}: ${result.stopped.message}`);
    }
    if (result.next !== undefined) {
      lines.push(`${result.next.environment} waits for approval. Once approved, run: ${result.next.command}`);
    }
    context.stdout.write(`${lines.join('\n')}\n`);
  }
  if (release.status === 'failed' || release.status === 'rolled_back') throw new CommandExit(1);
}
