import { describe, expect, it } from 'vitest';
import { forEachDialect } from '../testing/for-each-dialect.js';
import { insertMetrics, isLater, latestByKey, selectLatestMetrics, upsertLatestMetrics } from './metrics.js';

const point = (value: number, timestamp: number, step: number) => ({ key: 'm', value, timestamp, step });

describe('the latest-point rule', () => {
  it('orders by step, then timestamp, then value (NaN as 0)', () => {
    expect(isLater(point(0, 0, 2), point(9, 9, 1))).toBe(true);
    expect(isLater(point(0, 5, 1), point(9, 4, 1))).toBe(true);
    expect(isLater(point(2, 5, 1), point(1, 5, 1))).toBe(true);
    expect(isLater(point(1, 5, 1), point(1, 5, 1))).toBe(false);
    expect(isLater(point(Number.NaN, 5, 1), point(-1, 5, 1))).toBe(true);
    expect(isLater(point(Number.NaN, 5, 1), point(1, 5, 1))).toBe(false);
    expect(latestByKey([{ ...point(0, 0, 0), key: 'n' }, point(1, 1, 1), point(3, 0, 1)])).toEqual([
      point(1, 1, 1),
      { ...point(0, 0, 0), key: 'n' },
    ]);
  });
});

forEachDialect('metrics store', ({ open }) => {
  const runUuid = 'a'.repeat(32);
  const seedRun = async () => {
    const store = await open();
    await store.db
      .insertInto('runs')
      .values({
        run_uuid: runUuid,
        experiment_id: 0,
        name: 'r',
        user_id: '',
        status: 'RUNNING',
        start_time: 0,
        end_time: null,
        lifecycle_stage: 'active',
        artifact_uri: 'mlflow-artifacts:/0/x/artifacts',
        deleted_time: null,
      })
      .execute();
    return store;
  };

  it('stores NaN as 0 + is_nan and infinities natively, and reads them back', async () => {
    const store = await seedRun();
    const points = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0.25].map((value, step) =>
      point(value, 1, step),
    );
    await insertMetrics(store.db, runUuid, points);
    const rows = await store.db.selectFrom('metrics').select(['value', 'is_nan', 'step']).orderBy('step').execute();
    expect(rows).toEqual([
      { value: 0, is_nan: 1, step: 0 },
      { value: Number.POSITIVE_INFINITY, is_nan: 0, step: 1 },
      { value: Number.NEGATIVE_INFINITY, is_nan: 0, step: 2 },
      { value: -0.25, is_nan: 0, step: 3 },
    ]);
  });

  it('raises latest_metrics only when the new point is later', async () => {
    const store = await seedRun();
    const latest = async () => (await selectLatestMetrics(store.db, [runUuid])).get(runUuid);
    await upsertLatestMetrics(store.db, runUuid, [point(1, 10, 5)]);
    await upsertLatestMetrics(store.db, runUuid, [point(9, 99, 4)]);
    expect(await latest()).toEqual([point(1, 10, 5)]);
    await upsertLatestMetrics(store.db, runUuid, [point(0.5, 10, 5)]);
    expect(await latest()).toEqual([point(1, 10, 5)]);
    await upsertLatestMetrics(store.db, runUuid, [point(Number.POSITIVE_INFINITY, 10, 5)]);
    expect(await latest()).toEqual([point(Number.POSITIVE_INFINITY, 10, 5)]);
    await upsertLatestMetrics(store.db, runUuid, [point(Number.NaN, 11, 5)]);
    expect(await latest()).toEqual([point(Number.NaN, 11, 5)]);
  });

  it('inserts batches larger than one statement allows, in chunks', async () => {
    const store = await seedRun();
    const points = Array.from({ length: 12_000 }, (_, step) => point(step, 1, step));
    await insertMetrics(store.db, runUuid, points);
    const { n } = await store.db
      .selectFrom('metrics')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBe(12_000);
  });
});
