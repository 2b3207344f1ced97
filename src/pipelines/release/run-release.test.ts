import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allTrafficTo } from '../../deploy/deployments/deployment-types.js';
import type { DeploymentsClient } from '../../deploy/deployments/deployments-client.js';
import { createMemoryDeploymentsClient } from '../../deploy/deployments/testing/memory-deployments-client.js';
import { type SimulatedServing, simulatedServing } from '../../deploy/rollout/testing/simulated-serving.js';
import { SlipwayError } from '../../domain/errors.js';
import type { EnvironmentConfig, ReleaseConfig } from './release-config.js';
import type { ReleaseSteps, StepOutcome } from './release-flow-types.js';
import { resumeRelease, runRelease } from './run-release.js';

const MODEL = 'wine';
let client: DeploymentsClient;
let staging: SimulatedServing;
let production: SimulatedServing;
let calls: string[];

beforeEach(async () => {
  client = createMemoryDeploymentsClient('ci');
  staging = await simulatedServing({ client, model: MODEL, environment: 'staging', requestsPerScrape: 200 });
  production = await simulatedServing({ client, model: MODEL, environment: 'production', requestsPerScrape: 200 });
  calls = [];
});

afterEach(async () => {
  await staging.close();
  await production.close();
});

const environments = (overrides: { production?: Partial<EnvironmentConfig> } = {}): EnvironmentConfig[] => [
  {
    name: 'staging',
    target: 'local',
    port: 5101,
    url: staging.url,
    smoke: [{ inputs: { inputs: [[1]] } }],
    approval: 'auto',
  },
  {
    name: 'production',
    target: 'local',
    port: 5102,
    url: production.url,
    smoke: [],
    approval: 'manual',
    rollout: {
      steps: [
        { weight: 10, durationMs: 60 },
        { weight: 50, durationMs: 60 },
      ],
      intervalMs: 30,
      rollback: { maxErrorRate: 0.01, maxP99Ms: 250, minRequests: 5 },
    },
    ...overrides.production,
  },
];

const config = (overrides: Parameters<typeof environments>[0] = {}): ReleaseConfig => ({
  model: { name: MODEL, path: 'model', gates: [{ metric: 'accuracy', min: 0.5 }] },
  environments: environments(overrides),
});

/** Step implementations that pass (or do what `outcomes` says), noting each call. */
const steps = (outcomes: Partial<Record<keyof ReleaseSteps, () => Promise<StepOutcome>>> = {}): ReleaseSteps => ({
  async repro() {
    calls.push('repro');
    return (await outcomes.repro?.()) ?? { passed: true, details: { stages: ['train'] } };
  },
  async register() {
    calls.push('register');
    return (await outcomes.register?.()) ?? { passed: true, version: '2' };
  },
  async gates({ version }) {
    calls.push(`gates ${version}`);
    return (await outcomes.gates?.()) ?? { passed: true, details: { results: [{ metric: 'accuracy', value: 0.61 }] } };
  },
  async smoke({ environment, url, version }) {
    calls.push(`smoke ${environment.name} ${version} ${url === staging.url ? 'staging-url' : url}`);
    return (await outcomes.smoke?.()) ?? { passed: true, details: { tests: 1 } };
  },
  async deployed({ environment }) {
    calls.push(`deployed ${environment.name}`);
  },
});

const common = { pollMs: 5, applyTimeoutMs: 5000 };
const input = (releaseConfig: ReleaseConfig, releaseSteps: ReleaseSteps, to = 'production') => ({
  ...common,
  client,
  config: releaseConfig,
  steps: releaseSteps,
  to,
});

const deployProduction = (version: string) =>
  client.applyDeployment({
    model: MODEL,
    environment: 'production',
    target: { kind: 'local', port: 5102, url: production.url },
    policy: allTrafficTo(version),
    action: 'deploy',
  });

const trail = async (id: string) =>
  (await client.listReleaseSteps(id)).map((s) => [s.step, s.status, s.environment].filter(Boolean).join(' '));

describe('runRelease', () => {
  it('goes through staging, stops for the manual approval of production, and resumes into a rollout', async () => {
    await deployProduction('1');
    const paused = await runRelease(input(config(), steps()));
    expect(paused.release).toMatchObject({ status: 'awaiting_approval', version: '2', target: 'production' });
    expect(paused.next).toEqual({ environment: 'production', command: `slipway release approve ${paused.release.id}` });
    expect(calls).toEqual(['repro', 'register', 'gates 2', 'smoke staging 2 staging-url', 'deployed staging']);
    expect(await client.getDeployment(MODEL, 'staging')).toMatchObject({
      action: 'release',
      policy: allTrafficTo('2'),
      releaseId: paused.release.id,
    });
    expect(staging.revision).toBe(1);
    expect((await client.getDeployment(MODEL, 'production'))?.policy).toEqual(allTrafficTo('1'));

    const done = await resumeRelease({
      ...common,
      client,
      config: config(),
      steps: steps(),
      releaseId: paused.release.id,
    });
    expect(done.release).toMatchObject({ status: 'succeeded', version: '2' });
    expect(done.stopped).toBeUndefined();
    expect(await trail(paused.release.id)).toEqual([
      'repro started',
      'repro passed',
      'register started',
      'register passed',
      'gates started',
      'gates passed',
      'approval passed staging',
      'deploy started staging',
      'deploy passed staging',
      'smoke started staging',
      'smoke passed staging',
      'approval waiting production',
      'approval passed production',
      'deploy started production',
      'rollout started production',
      'rollout passed production',
      'rollout started production',
      'rollout passed production',
      'rollout passed production',
      'deploy passed production',
      'smoke skipped production',
      'done passed',
    ]);
    const recorded = await client.listReleaseSteps(paused.release.id);
    expect(recorded.find((s) => s.step === 'register' && s.status === 'passed')?.details).toEqual({ version: '2' });
    expect(recorded.find((s) => s.step === 'gates' && s.status === 'passed')?.details).toEqual({
      results: [{ metric: 'accuracy', value: 0.61 }],
    });
    expect(recorded.find((s) => s.step === 'rollout' && s.status === 'passed')?.details).toMatchObject({
      step: 1,
      weight: 10,
      intervals: [{ judged: true, candidate: { version: '2', requests: 20, failed: 0 } }, { judged: true }],
    });
    expect(
      recorded.find((s) => s.step === 'deploy' && s.status === 'passed' && s.environment === 'production')?.details,
    ).toMatchObject({ strategy: 'rollout', outcome: 'promoted', previous: '1', revision: 4 });
    const history = await client.listDeploymentHistory({ model: MODEL, environment: 'production' });
    expect(history.items.map((r) => r.action)).toEqual(['promote', 'canary', 'canary', 'deploy']);
    await expect(
      resumeRelease({ ...common, client, config: config(), steps: steps(), releaseId: paused.release.id }),
    ).rejects.toThrow(expect.objectContaining({ code: 'INVALID_STATE', message: expect.stringMatching(/succeeded/) }));
  });

  it('rolls production back when the candidate breaches during the rollout', async () => {
    await deployProduction('1');
    production.behave('2', { status: 503, seconds: 0.001 });
    const result = await runRelease(input(config({ production: { approval: 'auto' } }), steps()));
    expect(result.release.status).toBe('rolled_back');
    expect(result.stopped).toMatchObject({ step: 'deploy', environment: 'production' });
    expect(result.stopped?.message).toMatch(/^rolled back: version 2 at 10% \(step 1\): error rate 1 > 0\.01/);
    expect((await trail(result.release.id)).slice(-5)).toEqual([
      'deploy started production',
      'rollout started production',
      'rollout failed production',
      'rollback passed production',
      'deploy failed production',
    ]);
    const rollback = (await client.listReleaseSteps(result.release.id)).find((s) => s.step === 'rollback');
    expect(rollback?.details).toMatchObject({ from: '2', to: '1', applied: true });
    expect(await client.getDeployment(MODEL, 'production')).toMatchObject({
      action: 'rollback',
      policy: allTrafficTo('1'),
    });
    expect(calls).not.toContain('deployed production');
  });

  it('sends staging back to the previous version when the smoke tests fail', async () => {
    await client.applyDeployment({
      model: MODEL,
      environment: 'staging',
      target: { kind: 'local', port: 5101, url: staging.url },
      policy: allTrafficTo('1'),
      action: 'deploy',
    });
    const failing = steps({ smoke: async () => ({ passed: false, message: 'expected [5], got [6]' }) });
    const result = await runRelease(input(config(), failing, 'staging'));
    expect(result.release.status).toBe('rolled_back');
    expect(result.stopped).toEqual({
      step: 'smoke',
      environment: 'staging',
      message: 'smoke tests of version 2 failed: expected [5], got [6]; all traffic back to version 1',
    });
    expect((await trail(result.release.id)).slice(-4)).toEqual([
      'smoke started staging',
      'smoke failed staging',
      'rollback started staging',
      'rollback passed staging',
    ]);
    expect((await client.getDeployment(MODEL, 'staging'))?.policy).toEqual(allTrafficTo('1'));
    expect(staging.revision).toBe(3);
  });

  it('fails a first deployment whose smoke tests fail (nothing to go back to)', async () => {
    const failing = steps({ smoke: async () => ({ passed: false, message: 'wrong shape' }) });
    const result = await runRelease(input(config(), failing, 'staging'));
    expect(result.release.status).toBe('failed');
    expect(result.stopped).toMatchObject({ step: 'smoke', message: 'smoke tests of version 2 failed: wrong shape' });
  });

  it('stops at failing gates and records their results; a step that throws is recorded with code and hint', async () => {
    const gatesFail = steps({
      gates: async () => ({ passed: false, message: 'accuracy 0.4 < 0.5', details: { results: [{ passed: false }] } }),
    });
    const failed = await runRelease(input(config(), gatesFail));
    expect(failed.release.status).toBe('failed');
    expect(failed.stopped).toEqual({ step: 'gates', message: 'accuracy 0.4 < 0.5' });
    const gates = (await client.listReleaseSteps(failed.release.id)).at(-1);
    expect(gates).toMatchObject({
      step: 'gates',
      status: 'failed',
      details: { results: [{ passed: false }], message: 'accuracy 0.4 < 0.5' },
    });
    expect(await client.listDeployments()).toEqual([]);

    const throwing = steps({
      repro: async () => {
        throw new SlipwayError('INVALID_STATE', 'Stage train failed.', { hint: 'Run slipway repro to see it.' });
      },
    });
    const thrown = await runRelease(input(config(), throwing));
    expect(thrown.stopped).toEqual({ step: 'repro', message: 'Stage train failed.' });
    expect((await client.listReleaseSteps(thrown.release.id)).at(-1)?.details).toEqual({
      error: { code: 'INVALID_STATE', message: 'Stage train failed.', hint: 'Run slipway repro to see it.' },
      message: 'Stage train failed.',
    });
  });

  it('fails the deploy step of a rollout environment it cannot watch (no url)', async () => {
    const kubernetes = config({
      production: { approval: 'auto', target: 'kubernetes', port: undefined, url: undefined },
    });
    const result = await runRelease(input(kubernetes, steps()));
    expect(result.release.status).toBe('failed');
    expect(result.stopped).toMatchObject({ step: 'deploy', environment: 'production' });
    expect((await client.listReleaseSteps(result.release.id)).at(-1)?.details).toMatchObject({
      error: { code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(/needs the environment's url/) },
    });
  });

  it('refuses an unknown --to before creating a release, and a register step that names no version', async () => {
    await expect(runRelease(input(config(), steps(), 'prod'))).rejects.toThrow(/no environment 'prod'.*/);
    expect(await client.listReleases()).toEqual([]);
    const noVersion = await runRelease(input(config(), steps({ register: async () => ({ passed: true }) })));
    expect(noVersion.stopped).toEqual({
      step: 'register',
      message: 'The register step passed without naming the registered version.',
    });
  });
});
