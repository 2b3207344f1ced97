import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RolloutConfig } from '../../pipelines/release/release-config.js';
import { loadServedVersion } from '../../serving/engine/load-version.js';
import { type BatchingOptions, DEFAULT_BATCHING } from '../../serving/engine/micro-batcher.js';
import { ServedVersion } from '../../serving/engine/served-version.js';
import { createServeLogger, type RunningServing, startServing } from '../../serving/serve-main.js';
import { type ServingFixture, servingFixture, THREADS } from '../../serving/testing/serving-fixture.js';
import { wineRow } from '../../serving/testing/wine-model.js';
import { allTrafficTo, type Deployment } from '../deployments/deployment-types.js';
import type { DeploymentsClient } from '../deployments/deployments-client.js';
import { createMemoryDeploymentsClient } from '../deployments/testing/memory-deployments-client.js';
import type { RolloutEvent } from './rollout-types.js';
import { runRollout } from './run-rollout.js';
import { type DeploymentFollower, followDeployment } from './testing/deployment-follower.js';
import { servingRevisionWaiter } from './wait-for-revision.js';

/**
 * runRollout against a real inference server (startServing, real ONNX models, real HTTP load). The serving
 * process cannot follow a deployment on this branch, so a follower mirrors each revision's policy into its
 * apply() and answers GET /deployment; /metrics is the server's own.
 */

const ENV = 'production';
let fixture: ServingFixture;
let serving: RunningServing;
let client: DeploymentsClient;
let follower: DeploymentFollower;
const loaded = new Map<string, ServedVersion>();

const load = (folder: string, version: string, batching: Partial<BatchingOptions> = {}) =>
  loadServedVersion(
    { folder, name: 'wine', version },
    { batching: { ...DEFAULT_BATCHING, ...batching }, flavor: THREADS },
  );

/** How the follower loads each registry version when a revision first names it. */
const versions: Record<string, () => Promise<ServedVersion>> = {
  // Healthy, but its batcher holds every request up to 150 ms: a latency breach that fails no request.
  '2': () => load(fixture.folders[1], '2', { maxDelayMs: 150 }),
  '3': () => load(fixture.folders[2], '3'),
  // Answers every request with a 500.
  '4': async () => {
    const served = await load(fixture.folders[1], '4');
    const broken = { ...served.model, predict: () => Promise.reject(new Error('the candidate is broken')) };
    return new ServedVersion('wine', '4', broken, DEFAULT_BATCHING, () => {});
  },
};

async function mirror(deployment: Deployment): Promise<void> {
  const wanted = [];
  for (const route of deployment.policy.routes) {
    let served = loaded.get(route.version);
    if (served === undefined || served.retiring) {
      const loader = versions[route.version];
      if (loader === undefined) throw new Error(`no version ${route.version} in this test`);
      served = await loader();
      loaded.set(route.version, served);
    }
    wanted.push(served);
  }
  await serving.apply(wanted, { routes: deployment.policy.routes });
}

beforeAll(async () => {
  fixture = await servingFixture();
  serving = await startServing({
    model: fixture.folders[0],
    name: 'wine',
    modelVersion: '1',
    port: 0,
    handleSignals: false,
    flavor: THREADS,
    logger: createServeLogger('silent'),
  });
  loaded.set('1', serving.service.model().find('1') as ServedVersion);
  client = createMemoryDeploymentsClient('ci');
  await client.applyDeployment({
    model: 'wine',
    environment: ENV,
    target: { kind: 'local', port: serving.port },
    policy: allTrafficTo('1'),
    action: 'deploy',
  });
  follower = await followDeployment({ client, model: 'wine', environment: ENV, apply: mirror });
}, 30_000);

afterAll(async () => {
  await follower?.close();
  await serving?.close();
  await fixture?.cleanup();
});

/** `requesters` clients posting /predict in a loop until stopped; answers counted by version and status. */
function loadLoop(requesters = 8) {
  let stop = false;
  const answers: { version: string; status: number }[] = [];
  const loop = async () => {
    for (let i = 0; !stop; i++) {
      const reply = await fetch(`${serving.url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: [wineRow(i)] }),
      });
      await reply.arrayBuffer();
      answers.push({ version: reply.headers.get('x-model-version') ?? '?', status: reply.status });
    }
  };
  const running = Array.from({ length: requesters }, loop);
  return {
    answers,
    async stop() {
      stop = true;
      await Promise.all(running);
    },
  };
}

async function rollOut(candidate: string, rollout: RolloutConfig) {
  const events: RolloutEvent[] = [];
  const traffic = loadLoop();
  try {
    const result = await runRollout({
      client,
      model: 'wine',
      environment: ENV,
      candidate,
      rollout,
      metricsUrl: serving.url,
      waitForRevision: servingRevisionWaiter({ url: follower.url, model: 'wine', environment: ENV, pollMs: 10 }),
      onStep: (event) => {
        events.push(event);
      },
    });
    // A little traffic after the end: it must all go to the version left serving.
    const after = traffic.answers.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    return { result, events, answers: traffic.answers, after };
  } finally {
    await traffic.stop();
  }
}

const byVersion = (answers: readonly { version: string; status: number }[]) =>
  Object.fromEntries(
    [...new Set(answers.map((a) => a.version))].map((v) => [v, answers.filter((a) => a.version === v).length]),
  );

describe('runRollout against a real serving process under load', () => {
  it('rolls a slow candidate back within the interval that measured it, with no failed request', async () => {
    const { result, events, answers, after } = await rollOut('2', {
      steps: [{ weight: 50, durationMs: 5000 }],
      intervalMs: 500,
      rollback: { maxErrorRate: 0.01, maxP99Ms: 100, minRequests: 3 },
    });
    expect(result.outcome).toBe('rolled_back');
    expect(result.reason).toMatch(/^version 2 at 50% \(step 1\): p99 latency \d+(\.\d+)? ms > 100 ms/);
    // The first judged interval breached, and nothing was evaluated after it: the rollback came at once.
    expect(events.map((e) => e.kind)).toEqual(['step-started', 'interval', 'rolled-back']);
    expect(events[1]).toMatchObject({ kind: 'interval', report: { interval: 1, judged: true } });
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(byVersion(answers)['2']).toBeGreaterThan(0);
    expect(new Set(answers.slice(after).map((a) => a.version))).toEqual(new Set(['1']));
    expect(serving.service.model().policy?.routes).toEqual([{ version: '1', weight: 100 }]);
  }, 20_000);

  it('rolls back a candidate whose requests fail; only the candidate’s requests failed', async () => {
    const { result, answers, after } = await rollOut('4', {
      steps: [{ weight: 20, durationMs: 5000 }],
      intervalMs: 400,
      rollback: { maxErrorRate: 0.05, minRequests: 3 },
    });
    expect(result.outcome).toBe('rolled_back');
    expect(result.reason).toMatch(/error rate 1 > 0\.05 \(\d+ of \d+ requests failed\)/);
    // The failures are the candidate's own answers (500 with its version), never the switch's.
    expect(answers.filter((a) => a.status !== 200 && a.version !== '4')).toEqual([]);
    expect(new Set(answers.filter((a) => a.version === '4').map((a) => a.status))).toEqual(new Set([500]));
    expect(answers.slice(after).every((a) => a.version === '1' && a.status === 200)).toBe(true);
  }, 20_000);

  it('promotes a healthy candidate through its steps, with no failed request', async () => {
    const { result, events, answers, after } = await rollOut('3', {
      steps: [
        { weight: 25, durationMs: 800 },
        { weight: 50, durationMs: 800 },
      ],
      intervalMs: 400,
      rollback: { maxErrorRate: 0.01, maxP99Ms: 2000, minRequests: 3 },
    });
    expect(result).toMatchObject({ outcome: 'promoted', previous: '1', candidate: '3' });
    expect(events.filter((e) => e.kind === 'step-passed')).toHaveLength(2);
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(byVersion(answers)).toMatchObject({ '1': expect.any(Number), '3': expect.any(Number) });
    expect(new Set(answers.slice(after).map((a) => a.version))).toEqual(new Set(['3']));
    const actions = (await client.listDeploymentHistory({ model: 'wine', environment: ENV })).items.map(
      (r) => r.action,
    );
    expect(actions.reverse()).toEqual([
      'deploy',
      'canary',
      'rollback',
      'canary',
      'rollback',
      'canary',
      'canary',
      'promote',
    ]);
  }, 20_000);
});
