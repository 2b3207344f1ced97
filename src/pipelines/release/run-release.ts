import type { ReleaseStepName } from '../../deploy/deployments/deployment-types.js';
import { primaryVersion } from '../../deploy/deployments/deployment-types.js';
import { invalidParameter, SlipwayError } from '../../domain/errors.js';
import type { EnvironmentConfig, ModelReleaseConfig, ReleaseConfig } from './release-config.js';
import { type DeployContext, deployToEnvironment } from './release-flow-deploy.js';
import { releaseRecorder, runStep } from './release-flow-record.js';
import type {
  PromoteReleaseInput,
  ReleaseRecorder,
  ReleaseResult,
  ReleaseStepContext,
  ResumeReleaseInput,
  RunReleaseInput,
} from './release-flow-types.js';

/**
 * `slipway release`: the release state machine. repro → register → gates → then, for each environment up to `to`
 * in file order: approval (auto continues; manual stops with status awaiting_approval until resumeRelease) →
 * deploy (all traffic at once, or a progressive rollout with automatic rollback) and wait until it serves →
 * smoke tests (a failure sends the traffic back to the previous version) → … → done. Every step's start and
 * outcome is recorded with its details, and the release's status follows: succeeded, awaiting_approval, failed
 * or rolled_back. Step failures are results, not errors; only the deployments store failing throws.
 */
export async function runRelease(input: RunReleaseInput): Promise<ReleaseResult> {
  const model = releasedModel(input.config);
  const environments = environmentsUpTo(input.config, input.to);
  const release = await input.client.createRelease({ model: model.name, target: input.to });
  const recorder = releaseRecorder(input.client, release.id, input.onProgress);
  const context: ReleaseStepContext = { releaseId: release.id, model, config: input.config };
  const stop = (step: ReleaseStepName, message: string | undefined, version?: string) =>
    finish(input, recorder, 'failed', { step, message: message ?? `the ${step} step failed` }, version);
  const repro = await runStep(recorder, 'repro', undefined, () => input.steps.repro(context));
  if (!repro.passed) return stop('repro', repro.message);
  const registered = await runStep(recorder, 'register', undefined, () => registerVersion(input, context));
  const version = 'version' in registered ? registered.version : undefined;
  if (!registered.passed || version === undefined) return stop('register', registered.message);
  await input.client.updateRelease(release.id, { version });
  const gates = await runStep(recorder, 'gates', undefined, () => input.steps.gates({ ...context, version }));
  if (!gates.passed) return stop('gates', gates.message, version);
  return deployEnvironments({ ...context, input, recorder, version }, environments, { from: 0, approved: false });
}

/**
 * Continues a release that waits for a manual approval: records the approval (by the client's actor) and goes on
 * from the environment that waited, as runRelease would have. INVALID_STATE when the release is not waiting.
 */
export async function resumeRelease(input: ResumeReleaseInput): Promise<ReleaseResult> {
  const release = await input.client.getRelease(input.releaseId);
  if (release.status !== 'awaiting_approval' || release.version === undefined) {
    throw new SlipwayError('INVALID_STATE', `Release ${release.id} is ${release.status}, not awaiting approval.`, {
      hint: 'Only a release stopped at a manual approval can be continued; start a new release otherwise.',
    });
  }
  const model = releasedModel(input.config);
  if (model.name !== release.model) {
    throw invalidParameter(`Release ${release.id} is of the model ${release.model}, not ${model.name}.`);
  }
  const environments = environmentsUpTo(input.config, release.target);
  const waiting = (await input.client.listReleaseSteps(release.id)).findLast(
    (step) => step.step === 'approval' && step.status === 'waiting',
  );
  const from = environments.findIndex((environment) => environment.name === waiting?.environment);
  if (from === -1) {
    throw invalidParameter(
      `The environment ${waiting?.environment ?? '?'} that waits for approval is no longer in the file.`,
      {
        hint: `Restore it in slipway.yaml, or start a new release.`,
      },
    );
  }
  await input.client.updateRelease(release.id, { status: 'running' });
  const recorder = releaseRecorder(input.client, release.id, input.onProgress);
  await recorder.record('approval', 'passed', waiting?.environment, { mode: 'manual' });
  const context = { releaseId: release.id, model, config: input.config };
  return deployEnvironments(
    { ...context, input: { ...input, to: release.target }, recorder, version: release.version },
    environments,
    { from, approved: true },
  );
}

/**
 * `slipway promote <from> <to>`: the version `from` serves goes to `to` through `to`'s deployment (rollout with
 * automatic rollback, smoke tests, alias), as a release of its own — the promotion is the approval. When a
 * release of that version waits for approval at `to`, the promotion continues that release instead.
 */
export async function promoteRelease(input: PromoteReleaseInput): Promise<ReleaseResult> {
  const model = releasedModel(input.config);
  const target = environmentsUpTo(input.config, input.to).at(-1) as EnvironmentConfig;
  const source = await input.client.getDeployment(model.name, input.from);
  if (source === undefined) {
    throw invalidParameter(`${model.name} is not deployed to ${input.from}, so there is nothing to promote.`, {
      hint: `Release to ${input.from} first: slipway release --to ${input.from}`,
    });
  }
  const version = primaryVersion(source.policy);
  const waiting = await waitingRelease(input, model.name, version, input.to);
  if (waiting !== undefined) return resumeRelease({ ...input, releaseId: waiting });
  const release = await input.client.createRelease({ model: model.name, target: input.to });
  await input.client.updateRelease(release.id, { version });
  const recorder = releaseRecorder(input.client, release.id, input.onProgress);
  await recorder.record('approval', 'passed', input.to, { mode: 'promote', from: input.from, version });
  const context = { releaseId: release.id, model, config: input.config };
  return deployEnvironments({ ...context, input: { ...input }, recorder, version }, [target], {
    from: 0,
    approved: true,
  });
}

async function waitingRelease(
  input: PromoteReleaseInput,
  model: string,
  version: string,
  environment: string,
): Promise<string | undefined> {
  const paused = await input.client.listReleases({ model, status: 'awaiting_approval', maxResults: 20 });
  for (const release of paused.filter((candidate) => candidate.version === version)) {
    const steps = await input.client.listReleaseSteps(release.id);
    const waiting = steps.findLast((step) => step.step === 'approval' && step.status === 'waiting');
    if (waiting?.environment === environment) return release.id;
  }
  return undefined;
}

async function deployEnvironments(
  ctx: DeployContext,
  environments: readonly EnvironmentConfig[],
  start: { readonly from: number; readonly approved: boolean },
): Promise<ReleaseResult> {
  for (let i = start.from; i < environments.length; i++) {
    const environment = environments[i] as EnvironmentConfig;
    const approvedAlready = i === start.from && start.approved;
    if (!approvedAlready && environment.approval === 'manual') return awaitApproval(ctx, environment);
    if (!approvedAlready) await ctx.recorder.record('approval', 'passed', environment.name, { mode: 'auto' });
    const outcome = await deployToEnvironment(ctx, environment);
    if (outcome.kind !== 'passed') {
      const stopped = { step: outcome.step, environment: environment.name, message: outcome.message };
      return finish(ctx.input, ctx.recorder, outcome.kind, stopped, ctx.version);
    }
  }
  await ctx.recorder.record('done', 'passed', undefined, {
    version: ctx.version,
    environments: environments.map((e) => e.name),
  });
  return finish(ctx.input, ctx.recorder, 'succeeded', undefined, ctx.version);
}

async function awaitApproval(ctx: DeployContext, environment: EnvironmentConfig): Promise<ReleaseResult> {
  const command = (ctx.input.resumeCommand ?? ((id: string) => `slipway release approve ${id}`))(ctx.releaseId);
  await ctx.recorder.record('approval', 'waiting', environment.name, { mode: 'manual', next: command });
  const release = await ctx.input.client.updateRelease(ctx.releaseId, { status: 'awaiting_approval' });
  return { release, version: ctx.version, next: { environment: environment.name, command } };
}

async function finish(
  input: Pick<RunReleaseInput, 'client'>,
  recorder: ReleaseRecorder,
  status: 'succeeded' | 'failed' | 'rolled_back',
  stopped:
    | { readonly step: ReleaseStepName; readonly environment?: string; readonly message: string | undefined }
    | undefined,
  version?: string,
): Promise<ReleaseResult> {
  const release = await input.client.updateRelease(recorder.releaseId, { status });
  if (stopped === undefined) return { release, version };
  return { release, version, stopped: { ...stopped, message: stopped.message ?? `the ${stopped.step} step failed` } };
}

async function registerVersion(input: RunReleaseInput, context: ReleaseStepContext) {
  const outcome = await input.steps.register(context);
  if (!outcome.passed || outcome.version !== undefined) {
    return {
      ...outcome,
      details: { ...outcome.details, ...(outcome.version === undefined ? {} : { version: outcome.version }) },
    };
  }
  return { passed: false, message: 'The register step passed without naming the registered version.' };
}

function releasedModel(config: ReleaseConfig): ModelReleaseConfig {
  if (config.model !== undefined) return config.model;
  throw invalidParameter('slipway.yaml has no model: section, so there is nothing to release.', {
    hint: 'Add model: {name: …, path: …} naming the MLmodel folder the pipeline writes.',
  });
}

/** The environments in file order, up to and including `to`. */
export function environmentsUpTo(config: ReleaseConfig, to: string): readonly EnvironmentConfig[] {
  const index = config.environments.findIndex((environment) => environment.name === to);
  if (index === -1) {
    const known = config.environments.map((environment) => environment.name).join(', ') || 'none';
    throw invalidParameter(`There is no environment '${to.slice(0, 64)}' in slipway.yaml.`, {
      hint: `Environments: ${known}.`,
    });
  }
  return config.environments.slice(0, index + 1);
}
