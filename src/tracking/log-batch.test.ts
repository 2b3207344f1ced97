import { expect, it } from 'vitest';
import { SlipwayError } from '../domain/errors.js';
import { forEachDialect } from '../storage/metadata/testing/for-each-dialect.js';
import { createRun } from './create-run.js';
import { getMetricHistory } from './get-metric-history.js';
import { getRun } from './get-run.js';
import { logBatch } from './log-batch.js';
import { trackingSnapshot } from './testing/tracking-snapshot.js';

async function failure(promise: Promise<unknown>): Promise<SlipwayError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SlipwayError);
  return error as SlipwayError;
}

forEachDialect('logBatch', ({ open }) => {
  const setup = async () => {
    const metadata = await open();
    const deps = { metadata, now: () => 1_000 };
    const run = await createRun(deps, { runName: 'r' });
    return { deps, metadata, runId: run.info.runId };
  };

  it('writes metrics, the latest values, params and tags in one go', async () => {
    const { deps, metadata, runId } = await setup();
    const metrics = Array.from({ length: 996 }, (_, i) => ({
      key: `m${i % 4}`,
      value: i,
      timestamp: 7,
      step: Math.floor(i / 4),
    }));
    await logBatch(deps, {
      runId,
      metrics,
      params: [{ key: 'p', value: 'v' }],
      tags: [
        { key: 't', value: '1' },
        { key: 't', value: '2' },
      ],
    });
    const count = await metadata.db
      .selectFrom('metrics')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(996);
    const run = await getRun(deps, { runId });
    expect(run.data.metrics).toEqual(
      [0, 1, 2, 3].map((k) => ({ key: `m${k}`, value: 992 + k, timestamp: 7, step: 248 })),
    );
    expect(run.data.params).toEqual([{ key: 'p', value: 'v' }]);
    expect(run.data.tags).toEqual([
      { key: 'mlflow.runName', value: 'r' },
      { key: 't', value: '2' },
    ]);
  });

  it('skips points identical to stored ones, as MLflow does', async () => {
    const { deps, runId } = await setup();
    const point = { key: 'm', value: 1, timestamp: 1, step: 0 };
    await logBatch(deps, { runId, metrics: [point, point] });
    await logBatch(deps, { runId, metrics: [point, { ...point, value: Number.NaN }, { ...point, value: Number.NaN }] });
    const page = await getMetricHistory(deps, { runId, metricKey: 'm' });
    // NaN is stored as 0 (with is_nan), so it sorts before 1 at the same step and timestamp.
    expect(page.items).toEqual([{ ...point, value: Number.NaN }, point]);
  });

  it('writes nothing when a param conflicts with a stored one, even after valid metrics in the same batch', async () => {
    const { deps, metadata, runId } = await setup();
    await logBatch(deps, { runId, params: [{ key: 'lr', value: '1' }] });
    const before = await trackingSnapshot(metadata.db);
    const error = await failure(
      logBatch(deps, {
        runId,
        metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
        params: [
          { key: 'a', value: 'x' },
          { key: 'lr', value: '2' },
        ],
        tags: [{ key: 'mlflow.runName', value: 'renamed' }],
      }),
    );
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(await trackingSnapshot(metadata.db)).toEqual(before);
  });

  it('accepts the largest and smallest values JavaScript reads exactly', async () => {
    const { deps, runId } = await setup();
    const point = { key: 'm', value: -0.5, timestamp: Number.MAX_SAFE_INTEGER, step: Number.MIN_SAFE_INTEGER };
    await logBatch(deps, { runId, metrics: [point] });
    expect((await getMetricHistory(deps, { runId, metricKey: 'm' })).items).toEqual([point]);
    expect((await failure(logBatch(deps, { runId, metrics: [{ ...point, timestamp: 2 ** 53 }] }))).code).toBe(
      'INVALID_PARAMETER_VALUE',
    );
  });

  it('refuses unknown runs with RESOURCE_DOES_NOT_EXIST', async () => {
    const { deps } = await setup();
    const error = await failure(logBatch(deps, { runId: 'a'.repeat(32), params: [{ key: 'p', value: 'v' }] }));
    expect(error.code).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});
