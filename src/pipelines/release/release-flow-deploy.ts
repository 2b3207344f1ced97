import {
  allTrafficTo,
  type Deployment,
  type DeploymentPolicy,
  type DeploymentTarget,
  deploymentUrl,
} from '../../deploy/deployments/deployment-types.js';
import type { RolloutEvent, RolloutResult } from '../../deploy/rollout/rollout-types.js';
import { previousPrimary, runRollout } from '../../deploy/rollout/run-rollout.js';
import { servingRevisionWaiter, type WaitForRevision } from '../../deploy/rollout/wait-for-revision.js';
import { invalidParameter } from '../../domain/errors.js';
import type { EnvironmentConfig } from './release-config.js';
import { failedOutcome, lastEntries, runStep } from './release-flow-record.js';
import type { ReleaseRecorder, ReleaseStepContext, RunReleaseInput, StepOutcome } from './release-flow-types.js';

/** How an environment's deployment ended: serving the version, not (failed), or back on the previous one. */
export type EnvironmentOutcome =
  | { readonly kind: 'passed' }
  | {
      readonly kind: 'failed' | 'rolled_back';
      readonly step: 'deploy' | 'smoke' | 'rollback';
      readonly message: string;
    };

export interface DeployContext extends ReleaseStepContext {
  readonly input: RunReleaseInput;
  readonly recorder: ReleaseRecorder;
  readonly version: string;
}

/** Where an environment runs, from its release config. */
export function environmentTarget(environment: EnvironmentConfig): DeploymentTarget {
  return {
    kind: environment.target,
    ...(environment.host === undefined ? {} : { host: environment.host }),
    ...(environment.port === undefined ? {} : { port: environment.port }),
    ...(environment.url === undefined ? {} : { url: environment.url }),
    ...(environment.replicas === undefined ? {} : { replicas: environment.replicas }),
  };
}

/**
 * Deploys the version to one environment: all traffic at once, or through its rollout (canary steps with automatic
 * rollback); waits until the serving process runs it; runs the smoke tests, and on their failure sends the traffic
 * back to the version served before. Every step is recorded.
 */
export async function deployToEnvironment(
  ctx: DeployContext,
  environment: EnvironmentConfig,
): Promise<EnvironmentOutcome> {
  const target = environmentTarget(environment);
  const url = deploymentUrl(target);
  const before = await ctx.input.client.getDeployment(ctx.model.name, environment.name);
  const previous = before === undefined ? undefined : previousPrimary(before.policy, ctx.version);
  const deployed = await runStep(ctx.recorder, 'deploy', environment.name, () =>
    environment.rollout === undefined
      ? deployAtOnce(ctx, environment, { target, url, before })
      : rollOut(ctx, environment, { target, url }),
  );
  if (!deployed.passed) {
    const kind = deployed.details?.outcome === 'rolled_back' ? 'rolled_back' : 'failed';
    return { kind, step: 'deploy', message: deployed.message ?? 'the deployment failed' };
  }
  if (url === undefined) {
    await ctx.recorder.record('smoke', 'skipped', environment.name, { reason: 'the environment has no url' });
    return afterDeployed(ctx, environment, '');
  }
  const smoke = await smokeTest(ctx, environment, url);
  if (smoke.passed) return afterDeployed(ctx, environment, url);
  const message = `smoke tests of version ${ctx.version} failed${smoke.message === undefined ? '' : `: ${smoke.message}`}`;
  if (previous === undefined) return { kind: 'failed', step: 'smoke', message };
  const revision = Number(deployed.details?.revision);
  return rollBackAfterSmoke(ctx, environment, { previous, url, message, revision });
}

async function deployAtOnce(
  ctx: DeployContext,
  environment: EnvironmentConfig,
  where: {
    readonly target: DeploymentTarget;
    readonly url: string | undefined;
    readonly before: Deployment | undefined;
  },
): Promise<StepOutcome> {
  const { before, target, url } = where;
  const unchanged = before !== undefined && servesOnly(before.policy, ctx.version);
  const revision = unchanged ? before.revision : await applyRelease(ctx, environment, target, before?.revision ?? 0);
  const details = { strategy: 'all at once', revision, ...(unchanged ? { unchanged: true } : {}), target };
  if (url === undefined)
    return { passed: true, details: { ...details, live: 'not checked: the environment has no url' } };
  const applied = await waiter(ctx, environment, url)(revision);
  return { passed: true, details: { ...details, url, appliedAt: applied.appliedAt } };
}

async function applyRelease(
  ctx: DeployContext,
  environment: EnvironmentConfig,
  target: DeploymentTarget,
  expectedRevision: number,
): Promise<number> {
  const deployment = await ctx.input.client.applyDeployment({
    model: ctx.model.name,
    environment: environment.name,
    target,
    policy: allTrafficTo(ctx.version),
    action: 'release',
    reason: `release of version ${ctx.version}`,
    releaseId: ctx.releaseId,
    expectedRevision,
  });
  return deployment.revision;
}

const servesOnly = (policy: DeploymentPolicy, version: string): boolean =>
  policy.routes.every((route) => route.version === version || route.weight === 0);

async function rollOut(
  ctx: DeployContext,
  environment: EnvironmentConfig,
  where: { readonly target: DeploymentTarget; readonly url: string | undefined },
): Promise<StepOutcome> {
  const { rollout } = environment;
  if (rollout === undefined || where.url === undefined) {
    throw invalidParameter(`The rollout to ${environment.name} needs the environment's url to read its metrics.`, {
      hint: `Give the environment a port (local target) or a url: reachable from here.`,
    });
  }
  const result = await runRollout({
    client: ctx.input.client,
    model: ctx.model.name,
    environment: environment.name,
    candidate: ctx.version,
    rollout,
    metricsUrl: where.url,
    target: where.target,
    releaseId: ctx.releaseId,
    waitForRevision: waiter(ctx, environment, where.url),
    clock: ctx.input.clock,
    sleep: ctx.input.sleep,
    onStep: (event) => recordRolloutEvent(ctx, environment.name, event),
  });
  return rolloutOutcome(result, where.url);
}

function rolloutOutcome(result: RolloutResult, url: string): StepOutcome {
  const details = {
    strategy: 'rollout',
    outcome: result.outcome,
    revision: result.revision,
    canary: result.canary,
    url,
    ...(result.previous === undefined ? {} : { previous: result.previous }),
  };
  if (result.outcome === 'promoted') return { passed: true, details };
  return { passed: false, details, message: `rolled back: ${result.reason ?? 'a rollback condition was breached'}` };
}

/** Rollout events as release steps: each canary step started and passed, the breach, the rollback. */
async function recordRolloutEvent(ctx: DeployContext, environment: string, event: RolloutEvent): Promise<void> {
  ctx.input.onRollout?.(environment, event);
  const record = (step: 'rollout' | 'rollback', status: 'started' | 'passed' | 'failed' | 'skipped', details: object) =>
    ctx.recorder.record(step, status, environment, details as Record<string, unknown>);
  switch (event.kind) {
    case 'deployed':
      return record('rollout', 'skipped', { reason: event.reason, revision: event.revision });
    case 'step-started': {
      const { kind: _kind, ...details } = event;
      return record('rollout', 'started', details);
    }
    case 'step-passed':
      return record('rollout', 'passed', { step: event.step, weight: event.weight, ...intervals(event.intervals) });
    case 'promoted':
      return record('rollout', 'passed', { promoted: true, candidate: event.candidate, revision: event.revision });
    case 'rolled-back': {
      const { step, weight, reason, breaches, candidate, previous, revision, applied, applyError } = event;
      await record('rollout', 'failed', { step, weight, reason, breaches, ...intervals(event.intervals) });
      return record('rollback', 'passed', { from: candidate, to: previous, revision, reason, applied, applyError });
    }
    case 'interval':
      return;
  }
}

function intervals(reports: readonly unknown[]) {
  const { entries, omitted } = lastEntries(reports);
  return { intervals: entries, ...(omitted === undefined ? {} : { intervalsOmitted: omitted }) };
}

async function smokeTest(ctx: DeployContext, environment: EnvironmentConfig, url: string): Promise<StepOutcome> {
  if (environment.smoke.length === 0) {
    await ctx.recorder.record('smoke', 'skipped', environment.name, { reason: 'no smoke tests configured' });
    return { passed: true };
  }
  return runStep(ctx.recorder, 'smoke', environment.name, () => ctx.input.steps.smoke({ ...ctx, environment, url }));
}

async function rollBackAfterSmoke(
  ctx: DeployContext,
  environment: EnvironmentConfig,
  failure: { readonly previous: string; readonly url: string; readonly message: string; readonly revision: number },
): Promise<EnvironmentOutcome> {
  const reason = `${failure.message}; all traffic back to version ${failure.previous}`;
  const rollback = await runStep(ctx.recorder, 'rollback', environment.name, async () => {
    const deployment = await ctx.input.client.applyDeployment({
      model: ctx.model.name,
      environment: environment.name,
      policy: allTrafficTo(failure.previous),
      action: 'rollback',
      reason,
      releaseId: ctx.releaseId,
      expectedRevision: failure.revision,
    });
    await waiter(ctx, environment, failure.url)(deployment.revision);
    return {
      passed: true,
      details: { from: ctx.version, to: failure.previous, revision: deployment.revision, reason },
    };
  });
  if (rollback.passed) return { kind: 'rolled_back', step: 'smoke', message: reason };
  return { kind: 'failed', step: 'rollback', message: `${failure.message}; the rollback failed: ${rollback.message}` };
}

async function afterDeployed(
  ctx: DeployContext,
  environment: EnvironmentConfig,
  url: string,
): Promise<EnvironmentOutcome> {
  if (ctx.input.steps.deployed === undefined) return { kind: 'passed' };
  try {
    await ctx.input.steps.deployed({ ...ctx, environment, url });
    return { kind: 'passed' };
  } catch (error) {
    const outcome = failedOutcome(error);
    await ctx.recorder.record('deploy', 'failed', environment.name, { ...outcome.details, after: 'deployed hook' });
    return { kind: 'failed', step: 'deploy', message: outcome.message ?? 'the deployed hook failed' };
  }
}

function waiter(ctx: DeployContext, environment: EnvironmentConfig, url: string): WaitForRevision {
  return servingRevisionWaiter({
    url,
    model: ctx.model.name,
    environment: environment.name,
    timeoutMs: ctx.input.applyTimeoutMs,
    pollMs: ctx.input.pollMs,
    clock: ctx.input.clock,
    sleep: ctx.input.sleep,
  });
}
