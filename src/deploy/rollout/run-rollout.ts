import { invalidParameter, notFound } from '../../domain/errors.js';
import { servedName } from '../../serving/source/model-source.js';
import {
  allTrafficTo,
  type Deployment,
  type DeploymentAction,
  type DeploymentPolicy,
} from '../deployments/deployment-types.js';
import type { RolloutEvent, RolloutResult, RunRolloutInput } from './rollout-types.js';
import { servingRevisionWaiter, sleepMs, type WaitForRevision } from './wait-for-revision.js';
import { type StepVerdict, type WatchStepInput, watchRolloutStep } from './watch-rollout-step.js';

interface Run extends WatchStepInput {
  readonly input: RunRolloutInput;
  readonly wait: WaitForRevision;
}

/**
 * Progressive rollout of a candidate version with automatic rollback. For each step the deployment's policy
 * becomes {previous: 100 − w, candidate: w} (a `canary` revision, written only if nobody changed the deployment
 * since); once the serving process has applied it, the candidate is judged every interval for the step's
 * duration. A breach of the rollback conditions sends all traffic back to the previous version at once (a
 * `rollback` revision, within the interval the breach was measured in); all steps passed sends all traffic to the
 * candidate (`promote`). A first deployment has nothing to compare with: the candidate takes all traffic at once.
 */
export async function runRollout(input: RunRolloutInput): Promise<RolloutResult> {
  checkRollout(input);
  const current = await input.client.getDeployment(input.model, input.environment);
  const previous = current === undefined ? undefined : previousPrimary(current.policy, input.candidate);
  if (current === undefined || previous === undefined) return deployAtOnce(input, current);
  const run = runContext(input, previous);
  let revision = current.revision;
  for (const [index, config] of input.rollout.steps.entries()) {
    const step = index + 1;
    const reason = `rollout step ${step}/${input.rollout.steps.length}: ${config.weight}% to version ${input.candidate}`;
    revision = await apply(input, canaryPolicy(current.policy, previous, input.candidate, config.weight), {
      action: 'canary',
      reason,
      expectedRevision: revision,
    });
    const { appliedAt } = await run.wait(revision);
    const { weight, durationMs } = config;
    const steps = input.rollout.steps.length;
    const { candidate } = input;
    await run.emit({ kind: 'step-started', step, steps, weight, durationMs, candidate, previous, revision, appliedAt });
    const verdict = await watchRolloutStep(run, { number: step, config, revision });
    if (verdict.kind === 'breached') return rollBack(run, { step, weight: config.weight, revision }, verdict);
    await run.emit({ kind: 'step-passed', step, weight: config.weight, intervals: verdict.intervals });
  }
  return promote(run, revision);
}

function runContext(input: RunRolloutInput, previous: string): Run {
  const clock = input.clock ?? Date.now;
  const sleep = input.sleep ?? sleepMs;
  const wait =
    input.waitForRevision ??
    servingRevisionWaiter({
      url: input.metricsUrl,
      model: input.model,
      environment: input.environment,
      timeoutMs: input.applyTimeoutMs,
      clock,
      sleep,
    });
  return {
    input,
    wait,
    client: input.client,
    model: input.model,
    metricsModel: servedName(input.model),
    environment: input.environment,
    candidate: input.candidate,
    previous,
    metricsUrl: input.metricsUrl,
    conditions: input.rollout.rollback,
    intervalMs: input.rollout.intervalMs,
    maxScrapeFailures: input.maxScrapeFailures ?? 3,
    clock,
    sleep,
    emit: async (event: RolloutEvent) => {
      await input.onStep?.(event);
    },
  };
}

async function rollBack(
  run: Run,
  at: { readonly step: number; readonly weight: number; readonly revision: number },
  verdict: Extract<StepVerdict, { kind: 'breached' }>,
): Promise<RolloutResult> {
  const { candidate, previous } = run;
  const reason = `version ${candidate} at ${at.weight}% (step ${at.step}): ${verdict.reason}; all traffic back to version ${previous}`;
  const revision = await apply(run.input, allTrafficTo(previous), {
    action: 'rollback',
    reason,
    expectedRevision: at.revision,
  });
  const confirmed = await run.wait(revision).then(
    () => ({ applied: true }),
    (error: unknown) => ({ applied: false, applyError: (error as Error).message }),
  );
  const { breaches, intervals, measured } = verdict;
  await run.emit({
    kind: 'rolled-back',
    ...at,
    candidate,
    previous,
    reason,
    breaches,
    revision,
    intervals,
    ...confirmed,
  });
  return { outcome: 'rolled_back', candidate, previous, revision, canary: true, reason, breaches, measured };
}

async function promote(run: Run, expectedRevision: number): Promise<RolloutResult> {
  const { candidate, previous } = run;
  const steps = run.input.rollout.steps.length;
  const reason = `rollout passed ${steps} step${steps === 1 ? '' : 's'}: all traffic to version ${candidate}`;
  const revision = await apply(run.input, allTrafficTo(candidate), { action: 'promote', reason, expectedRevision });
  await run.wait(revision);
  await run.emit({ kind: 'promoted', candidate, previous, revision });
  return { outcome: 'promoted', candidate, previous, revision, canary: true };
}

/** No previous version to compare with (or the candidate already takes everything): all traffic at once. */
async function deployAtOnce(input: RunRolloutInput, current: Deployment | undefined): Promise<RolloutResult> {
  const { candidate } = input;
  const serving = current !== undefined && servesOnly(current.policy, candidate);
  let revision = current?.revision ?? 0;
  const reason = serving
    ? `version ${candidate} already takes all traffic`
    : `first deployment of ${input.model} to ${input.environment}: no previous version to compare with, no canary`;
  if (!serving) {
    if (current === undefined && input.target === undefined) {
      throw notFound(`${input.model} is not deployed to ${input.environment} and no target was given.`, {
        hint: 'Pass the environment target for a first deployment.',
      });
    }
    revision = await apply(input, allTrafficTo(candidate), { action: 'deploy', reason, expectedRevision: revision });
  }
  const wait = input.waitForRevision ?? runContext(input, candidate).wait;
  await wait(revision);
  await input.onStep?.({ kind: 'deployed', candidate, revision, reason, changed: !serving });
  return { outcome: 'promoted', candidate, previous: undefined, revision, canary: false };
}

async function apply(
  input: RunRolloutInput,
  policy: DeploymentPolicy,
  change: { readonly action: DeploymentAction; readonly reason: string; readonly expectedRevision: number },
): Promise<number> {
  const deployment = await input.client.applyDeployment({
    model: input.model,
    environment: input.environment,
    ...(change.expectedRevision === 0 ? { target: input.target } : {}),
    policy,
    ...change,
    releaseId: input.releaseId,
  });
  return deployment.revision;
}

/** The version with the largest share of traffic other than the candidate, if any takes traffic. */
export function previousPrimary(policy: DeploymentPolicy, candidate: string): string | undefined {
  const others = policy.routes.filter((route) => route.version !== candidate && route.weight > 0);
  return others.reduce<(typeof others)[number] | undefined>(
    (best, route) => (best === undefined || route.weight > best.weight ? route : best),
    undefined,
  )?.version;
}

/** {previous: 100 − weight, candidate: weight}, keeping the sticky header (shadows are dropped). */
function canaryPolicy(
  current: DeploymentPolicy,
  previous: string,
  candidate: string,
  weight: number,
): DeploymentPolicy {
  return {
    routes: [
      { version: previous, weight: 100 - weight },
      { version: candidate, weight },
    ],
    ...(current.stickyHeader === undefined ? {} : { stickyHeader: current.stickyHeader }),
  };
}

const servesOnly = (policy: DeploymentPolicy, version: string): boolean =>
  policy.routes.every((route) => route.version === version || route.weight === 0);

function checkRollout(input: RunRolloutInput): void {
  const { intervalMs, steps } = input.rollout;
  if (!(intervalMs > 0)) throw invalidParameter(`The rollout interval must be > 0 ms, not ${intervalMs}.`);
  for (const step of steps) {
    if (!(step.weight > 0 && step.weight < 100)) {
      throw invalidParameter(`A rollout step weight must be between 0 and 100 (exclusive), not ${step.weight}.`, {
        hint: 'Steps are the candidate share before the promotion: weight: 10, then weight: 50.',
      });
    }
    if (!(step.durationMs > 0)) throw invalidParameter(`A rollout step duration must be > 0, not ${step.durationMs}.`);
  }
}
