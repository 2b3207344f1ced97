import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RolloutConfig } from '../../pipelines/release/release-config.js';
import { allTrafficTo } from '../deployments/deployment-types.js';
import type { DeploymentsClient } from '../deployments/deployments-client.js';
import { createMemoryDeploymentsClient } from '../deployments/testing/memory-deployments-client.js';
import type { RolloutEvent, RunRolloutInput } from './rollout-types.js';
import { runRollout } from './run-rollout.js';
import { type SimulatedServing, simulatedServing } from './testing/simulated-serving.js';
import { servingRevisionWaiter } from './wait-for-revision.js';

const MODEL = 'wine';
const ENV = 'production';
const target = { kind: 'local', port: 5102 } as const;

const rollout = (overrides: Partial<RolloutConfig> = {}): RolloutConfig => ({
  steps: [
    { weight: 10, durationMs: 80 },
    { weight: 50, durationMs: 80 },
  ],
  intervalMs: 40,
  rollback: { maxErrorRate: 0.01, maxP99Ms: 250, minRequests: 5 },
  ...overrides,
});

let client: DeploymentsClient;
let serving: SimulatedServing;
let events: RolloutEvent[];

beforeEach(async () => {
  client = createMemoryDeploymentsClient('ci');
  serving = await simulatedServing({ client, model: MODEL, environment: ENV, requestsPerScrape: 200 });
  events = [];
});

afterEach(() => serving.close());

const deployFirst = (version = '1') =>
  client.applyDeployment({ model: MODEL, environment: ENV, target, policy: allTrafficTo(version), action: 'deploy' });

const run = (candidate: string, config = rollout(), { onStep, ...extra }: Partial<RunRolloutInput> = {}) =>
  runRollout({
    client,
    model: MODEL,
    environment: ENV,
    candidate,
    rollout: config,
    metricsUrl: serving.url,
    releaseId: 'e'.repeat(32),
    waitForRevision: servingRevisionWaiter({
      url: serving.url,
      model: MODEL,
      environment: ENV,
      pollMs: 5,
      timeoutMs: 5000,
    }),
    onStep: async (event) => {
      events.push(event);
      await onStep?.(event);
    },
    ...extra,
  });

const history = async () =>
  (await client.listDeploymentHistory({ model: MODEL, environment: ENV })).items
    .map((r) => ({ action: r.action, routes: r.policy.routes, releaseId: r.releaseId }))
    .reverse();

describe('runRollout', () => {
  it('promotes a healthy candidate step by step, judging every interval', async () => {
    await deployFirst();
    const result = await run('2');
    expect(result).toMatchObject({ outcome: 'promoted', candidate: '2', previous: '1', canary: true, revision: 4 });
    expect(await history()).toEqual([
      { action: 'deploy', routes: [{ version: '1', weight: 100 }], releaseId: undefined },
      {
        action: 'canary',
        routes: [
          { version: '1', weight: 90 },
          { version: '2', weight: 10 },
        ],
        releaseId: 'e'.repeat(32),
      },
      {
        action: 'canary',
        routes: [
          { version: '1', weight: 50 },
          { version: '2', weight: 50 },
        ],
        releaseId: 'e'.repeat(32),
      },
      { action: 'promote', routes: [{ version: '2', weight: 100 }], releaseId: 'e'.repeat(32) },
    ]);
    expect(events.map((e) => e.kind)).toEqual([
      'step-started',
      'interval',
      'interval',
      'step-passed',
      'step-started',
      'interval',
      'interval',
      'step-passed',
      'promoted',
    ]);
    const intervals = events.flatMap((e) => (e.kind === 'interval' ? [e.report] : []));
    expect(intervals.every((r) => r.judged && r.breaches.length === 0)).toBe(true);
    expect(intervals[0]?.candidate).toMatchObject({ version: '2', requests: 20, failed: 0, errorRate: 0 });
    expect(intervals[0]?.previous).toMatchObject({ version: '1', requests: 180 });
    expect(intervals[2]?.candidate).toMatchObject({ requests: 100 });
    expect(serving.revision).toBe(4);
  });

  it('rolls back at the first interval whose error rate breaches, naming measured values and limits', async () => {
    await deployFirst();
    serving.behave('2', { status: 500, seconds: 0.002 });
    const result = await run('2');
    expect(result.outcome).toBe('rolled_back');
    expect(result.reason).toBe(
      'version 2 at 10% (step 1): error rate 1 > 0.01 (20 of 20 requests failed); all traffic back to version 1',
    );
    expect(result.breaches).toEqual([{ condition: 'max_error_rate', measured: 1, limit: 0.01 }]);
    // Judged once, then rolled back at once: no second interval at 10 %.
    expect(events.map((e) => e.kind)).toEqual(['step-started', 'interval', 'rolled-back']);
    const deployment = await client.getDeployment(MODEL, ENV);
    expect(deployment).toMatchObject({ action: 'rollback', policy: allTrafficTo('1'), reason: result.reason });
    expect(events.at(-1)).toMatchObject({ kind: 'rolled-back', applied: true, revision: 3 });
    const served = serving.served.get('2');
    await fetch(`${serving.url}/metrics`);
    expect(serving.served.get('2')).toBe(served);
  });

  it('rolls back on p99 latency, 4xx answers being the callers’ fault', async () => {
    await deployFirst();
    serving.behave('2', { status: 404, seconds: 0.002 });
    const clientErrors = await run('2', rollout({ steps: [{ weight: 20, durationMs: 40 }] }));
    expect(clientErrors.outcome).toBe('promoted');
    serving.behave('3', { status: 200, seconds: 0.4 });
    const slow = await run('3');
    expect(slow.outcome).toBe('rolled_back');
    expect(slow.reason).toMatch(/^version 3 at 10% \(step 1\): p99 latency 49\d\.\d+ ms > 250 ms \(over 20 requests\)/);
    expect(slow.measured?.previous).toMatchObject({ version: '2', requests: 180, failed: 0 });
    expect((await client.getDeployment(MODEL, ENV))?.policy).toEqual(allTrafficTo('2'));
  });

  it('does not judge an interval below min_requests', async () => {
    await deployFirst();
    serving.behave('2', { status: 500, seconds: 0.002 });
    // 10 % of 200 requests is below 21: step 1 is not judged; at 50 % it is, and breaches.
    const result = await run('2', rollout({ rollback: { maxErrorRate: 0, minRequests: 21 } }));
    expect(result).toMatchObject({ outcome: 'rolled_back', revision: 4 });
    const reports = events.flatMap((e) => (e.kind === 'interval' ? [e.report] : []));
    expect(reports.map((r) => [r.step, r.judged, r.candidate?.failed])).toEqual([
      [1, false, 20],
      [1, false, 20],
      [2, true, 100],
    ]);
    expect(events.find((e) => e.kind === 'step-passed')).toMatchObject({ step: 1, intervals: reports.slice(0, 2) });
  });

  it('skips the canary on a first deployment, and does nothing when the candidate already serves everything', async () => {
    const first = await run('1', rollout(), { target });
    expect(first).toMatchObject({ outcome: 'promoted', canary: false, previous: undefined, revision: 1 });
    expect(events).toMatchObject([{ kind: 'deployed', candidate: '1', changed: true }]);
    expect(await history()).toMatchObject([{ action: 'deploy', routes: [{ version: '1', weight: 100 }] }]);
    const again = await run('1');
    expect(again).toMatchObject({ outcome: 'promoted', canary: false, revision: 1 });
    expect(events.at(-1)).toMatchObject({ kind: 'deployed', changed: false });
  });

  it('refuses a first deployment without a target', async () => {
    await expect(run('1')).rejects.toThrow(
      expect.objectContaining({ code: 'RESOURCE_DOES_NOT_EXIST', message: expect.stringMatching(/no target/) }),
    );
  });

  it('stops without touching the deployment when someone else changed it during a step', async () => {
    await deployFirst();
    const result = run('2', rollout(), {
      onStep: async (event) => {
        if (event.kind === 'interval' && event.report.interval === 1) {
          await client.applyDeployment({
            model: MODEL,
            environment: ENV,
            policy: allTrafficTo('1'),
            action: 'rollback',
          });
        }
      },
    });
    await expect(result).rejects.toThrow(
      expect.objectContaining({
        code: 'RESOURCE_CONFLICT',
        message: expect.stringMatching(/moved to revision 3 \(rollback by ci\).*stopped without changing it/),
      }),
    );
    expect((await history()).map((r) => r.action)).toEqual(['deploy', 'canary', 'rollback']);
  });

  it('judges the interval after a restart from the new counters', async () => {
    await deployFirst();
    const result = run('2', rollout({ steps: [{ weight: 10, durationMs: 80 }] }), {
      onStep: (event) => {
        if (event.kind === 'interval' && event.report.interval === 1) serving.restart();
      },
    });
    expect((await result).outcome).toBe('promoted');
    const reports = events.flatMap((e) => (e.kind === 'interval' ? [e.report] : []));
    expect(reports[1]).toMatchObject({ judged: true, restarted: true, candidate: { requests: 20 } });
  });

  it('rolls back when the metrics cannot be read for max_scrape_failures intervals in a row', async () => {
    await deployFirst();
    const result = run('2', rollout({ steps: [{ weight: 10, durationMs: 400 }] }), {
      maxScrapeFailures: 2,
      onStep: (event) => {
        if (event.kind === 'step-started') serving.failScrapes(3);
      },
    });
    const { outcome, reason } = await result;
    expect(outcome).toBe('rolled_back');
    expect(reason).toMatch(/the serving metrics could not be read for 2 intervals in a row \(.*answered 500\)/);
  });
});
