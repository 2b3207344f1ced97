import { describe, expect, it } from 'vitest';
import { createSqlRegistryClient } from '../../registry/sql-registry-client.js';
import { columns, mlmodel, registryFixture } from '../../registry/testing/registry-fixture.js';
import { forEachDialect } from '../../storage/metadata/testing/for-each-dialect.js';
import { createSqlTrackingClient } from '../../tracking/sql-tracking-client.js';
import { defaultDirection, evaluateGates } from './evaluate-gates.js';
import { championReader } from './read-champion-metrics.js';

const noChampion = async () => undefined;

describe('defaultDirection', () => {
  it.each([
    ['rmse', 'lower'],
    ['eval.rmse', 'lower'],
    ['val_loss', 'lower'],
    ['mean_absolute_error', 'lower'],
    ['p99_latency_ms', 'lower'],
    ['error-rate', 'lower'],
    ['accuracy', 'higher'],
    ['eval.f1', 'higher'],
    ['r2', 'higher'],
    ['auc', 'higher'],
    ['uptime', 'higher'],
  ])('%s is %s-is-better', (metric, direction) => {
    expect(defaultDirection(metric)).toBe(direction);
  });
});

describe('evaluateGates on absolute thresholds', () => {
  it('passes and fails on min and max, naming the value and the bound', async () => {
    const verdict = await evaluateGates({
      gates: [
        { metric: 'accuracy', min: 0.55 },
        { metric: 'rmse', max: 0.8 },
        { metric: 'f1', min: 0.5, max: 0.9 },
      ],
      candidate: { accuracy: 0.62, rmse: 0.85, f1: 0.95 },
      champion: noChampion,
    });
    expect(verdict.passed).toBe(false);
    expect(verdict.results.map((r) => [r.passed, r.threshold, r.message])).toEqual([
      [true, { min: 0.55 }, 'accuracy 0.62 passes: needs ≥ 0.55 (min)'],
      [false, { max: 0.8 }, 'rmse 0.85 fails: needs ≤ 0.8 (max)'],
      [false, { min: 0.5, max: 0.9 }, 'f1 0.95 fails: needs ≥ 0.5 (min) and ≤ 0.9 (max)'],
    ]);
  });

  it('fails a NaN metric, and passes with no gates at all', async () => {
    const verdict = await evaluateGates({
      gates: [{ metric: 'accuracy', min: 0 }],
      candidate: { accuracy: Number.NaN },
      champion: noChampion,
    });
    expect(verdict.results[0]).toMatchObject({ passed: false, message: 'accuracy NaN fails: needs ≥ 0 (min)' });
    expect(await evaluateGates({ gates: [], candidate: {}, champion: noChampion })).toEqual({
      passed: true,
      results: [],
    });
  });

  it('names a metric the run did not log, and what it did log', async () => {
    await expect(
      evaluateGates({
        gates: [
          { metric: 'test_accuracy', min: 0.5 },
          { metric: 'eval.f1', min: 0.5 },
        ],
        candidate: { train_loss: 0.3, accuracy: 0.7 },
        candidateLabel: 'run 0123',
        champion: noChampion,
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message:
        'A release gate names a metric that was not logged. The candidate (run 0123) did not log "test_accuracy", ' +
        '"eval.f1"; it logged accuracy, train_loss.',
    });
  });
});

forEachDialect('evaluateGates against the champion in the registry', (dialect) => {
  async function registry() {
    const metadata = await dialect.open();
    const fixture = await registryFixture(metadata);
    const deps = {
      registry: createSqlRegistryClient({ metadata, objects: fixture.objects }),
      tracking: createSqlTrackingClient({ metadata, objects: fixture.objects }),
    };
    const logRun = async (metrics: Record<string, number>) => {
      const runId = await fixture.logRun({ MLmodel: mlmodel(columns(['alcohol', 'double'])), 'model.onnx': 'w' });
      const entries = Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: 1, step: 0 }));
      await deps.tracking.logBatch({ runId, metrics: entries });
      return runId;
    };
    const register = async (metrics: Record<string, number>, alias?: string) => {
      const runId = await logRun(metrics);
      const version = await deps.registry.createModelVersion({ name: 'wine', source: `runs:/${runId}/model` });
      if (alias !== undefined) await deps.registry.setAlias('wine', alias, version.version);
      return { runId, version: version.version };
    };
    return { deps, register, champion: championReader(deps, 'wine') };
  }

  it('passes a better_than gate on the first release (no model, then no alias) and says so', async () => {
    const { deps, register, champion } = await registry();
    const gates = [{ metric: 'accuracy', betterThan: 'production', minDelta: 0.01 }];
    const first = await evaluateGates({ gates, candidate: { accuracy: 0.5 }, champion });
    expect(first.passed).toBe(true);
    expect(first.results[0]).toEqual({
      gate: gates[0],
      passed: true,
      direction: 'higher',
      candidate: 0.5,
      threshold: {},
      message: 'accuracy 0.5 passes: no version is at alias production yet (first release): nothing to beat',
    });
    await deps.registry.createRegisteredModel({ name: 'wine' });
    await register({ accuracy: 0.9 }, 'staging');
    const second = await evaluateGates({ gates, candidate: { accuracy: 0.5 }, champion });
    expect(second.results[0]?.message).toContain('no version is at alias production yet (first release)');
  });

  it('compares with the version at the alias through its source run, in each metric’s direction', async () => {
    const { deps, register, champion } = await registry();
    await deps.registry.createRegisteredModel({ name: 'wine' });
    await register({ accuracy: 0.7, rmse: 0.5 }, 'production');
    const production = await register({ accuracy: 0.6, rmse: 0.65, 'eval.f1': 0.4 }, 'production');
    const verdict = await evaluateGates({
      gates: [
        { metric: 'accuracy', betterThan: 'production', minDelta: 0.01, min: 0.55 },
        { metric: 'rmse', betterThan: 'production' },
        { metric: 'eval.f1', betterThan: 'production', direction: 'lower' },
      ],
      candidate: { accuracy: 0.61, rmse: 0.7, 'eval.f1': 0.3 },
      champion,
    });
    expect(verdict.passed).toBe(false);
    const [accuracy, rmse, f1] = verdict.results;
    expect(accuracy).toMatchObject({
      passed: true,
      direction: 'higher',
      candidate: 0.61,
      champion: { version: production.version, runId: production.runId, value: 0.6 },
      threshold: { min: 0.6 + 0.01 },
      message:
        'accuracy 0.61 passes: needs ≥ 0.55 (min) and ≥ 0.61 (production is version 2 with 0.6, + min_delta 0.01; higher is better)',
    });
    expect(rmse).toMatchObject({
      passed: false,
      direction: 'lower',
      threshold: { max: 0.65 },
      message: 'rmse 0.7 fails: needs ≤ 0.65 (production is version 2 with 0.65; lower is better)',
    });
    expect(f1).toMatchObject({ passed: true, direction: 'lower', threshold: { max: 0.4 } });
  });

  it('names a metric the champion did not log', async () => {
    const { deps, register, champion } = await registry();
    await deps.registry.createRegisteredModel({ name: 'wine' });
    const production = await register({ accuracy: 0.6 }, 'production');
    await expect(
      evaluateGates({
        gates: [{ metric: 'eval.f1', betterThan: 'production' }],
        candidate: { 'eval.f1': 0.5 },
        champion,
      }),
    ).rejects.toThrow(
      `The champion at alias production (version 1, run ${production.runId}) did not log "eval.f1"; it logged accuracy.`,
    );
  });
});
