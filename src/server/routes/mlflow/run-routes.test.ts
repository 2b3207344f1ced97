import { afterEach, expect, it } from 'vitest';
import { runResponseSchema } from '../../../contract/mlflow/runs.js';
import { forEachDialect } from '../../../storage/metadata/testing/for-each-dialect.js';
import { trackingSnapshot } from '../../../tracking/testing/tracking-snapshot.js';
import { MLFLOW_PREFIXES } from './mount-mlflow.js';
import { errorOf, okOf, openTrackingApp, type TrackingApp } from './testing/tracking-app.js';

type RunBody = { run: { info: { run_id: string } } };

forEachDialect('MLflow run routes', (dialect) => {
  const apps: TrackingApp[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });
  const open = async () => {
    const app = await openTrackingApp(await dialect.open());
    apps.push(app);
    return app;
  };
  const createRun = async (t: TrackingApp, body: unknown = { experiment_id: '0' }) =>
    okOf<RunBody>(await t.post('/runs/create', body)).run.info.run_id;

  it.each(MLFLOW_PREFIXES)('creates, reads, updates, tags, deletes and restores a run under %s', async (prefix) => {
    const t = await open();
    const request = { experiment_id: '0', user_id: 'ann', run_name: 'first', start_time: 1_700_000_000_000 };
    const created = okOf<RunBody>(
      await t.post('/runs/create', { ...request, tags: [{ key: 'mlflow.source.name', value: 'train.py' }] }, prefix),
    );
    const id = created.run.info.run_id;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(created).toEqual({
      run: {
        info: {
          run_id: id,
          run_uuid: id,
          run_name: 'first',
          experiment_id: '0',
          user_id: 'ann',
          status: 'RUNNING',
          start_time: 1_700_000_000_000,
          artifact_uri: `mlflow-artifacts:/0/${id}/artifacts`,
          lifecycle_stage: 'active',
        },
        data: {
          tags: [
            { key: 'mlflow.runName', value: 'first' },
            { key: 'mlflow.source.name', value: 'train.py' },
          ],
        },
        inputs: {},
      },
    });
    expect(okOf(await t.get('/runs/get', { run_id: id }, prefix))).toEqual(created);
    expect(okOf(await t.get('/runs/get', { run_uuid: id }, prefix))).toEqual(created);
    runResponseSchema.parse(created);

    const update = { run_id: id, run_uuid: id, status: 'FINISHED', end_time: 1_700_000_001_000, run_name: 'renamed' };
    expect(okOf(await t.post('/runs/update', update, prefix))).toEqual({
      run_info: { ...created.run.info, status: 'FINISHED', end_time: 1_700_000_001_000, run_name: 'renamed' },
    });
    expect(okOf(await t.post('/runs/set-tag', { run_id: id, key: 'k', value: 'v' }, prefix))).toEqual({});
    expect(okOf(await t.post('/runs/delete-tag', { run_id: id, key: 'mlflow.source.name' }, prefix))).toEqual({});
    const after = runResponseSchema.parse(okOf(await t.get('/runs/get', { run_id: id }, prefix)));
    expect(after.run.data.tags).toEqual([
      { key: 'k', value: 'v' },
      { key: 'mlflow.runName', value: 'renamed' },
    ]);
    expect(okOf(await t.post('/runs/delete', { run_id: id }, prefix))).toEqual({});
    const deleted = runResponseSchema.parse(okOf(await t.get('/runs/get', { run_id: id }, prefix)));
    expect(deleted.run.info.lifecycle_stage).toBe('deleted');
    expect(okOf(await t.post('/runs/restore', { run_id: id }, prefix))).toEqual({});
    const restored = runResponseSchema.parse(okOf(await t.get('/runs/get', { run_id: id }, prefix)));
    expect(restored.run.info.lifecycle_stage).toBe('active');
  });

  it('names runs like MLflow, keeps run_name and the mlflow.runName tag in step', async () => {
    const t = await open();
    const generated = runResponseSchema.parse(okOf(await t.post('/runs/create', { experiment_id: '0' })));
    expect(generated.run.info.run_name).toMatch(/^[a-z]+-[a-z]+-\d{1,3}$/);
    expect(generated.run.data.tags).toEqual([{ key: 'mlflow.runName', value: generated.run.info.run_name }]);
    expect(generated.run.info.start_time).toEqual(expect.any(Number));
    const fromTag = await createRun(t, { tags: [{ key: 'mlflow.runName', value: 'tagged' }] });
    const read = runResponseSchema.parse(okOf(await t.get('/runs/get', { run_id: fromTag })));
    expect(read.run.info).toMatchObject({ run_name: 'tagged', experiment_id: '0' });
    okOf(await t.post('/runs/set-tag', { run_id: fromTag, key: 'mlflow.runName', value: 'via-tag' }));
    const renamed = runResponseSchema.parse(okOf(await t.get('/runs/get', { run_id: fromTag })));
    expect(renamed.run.info.run_name).toBe('via-tag');
    const conflicting = { run_name: 'a', tags: [{ key: 'mlflow.runName', value: 'b' }] };
    expect(errorOf(await t.post('/runs/create', conflicting), 400, 'INVALID_PARAMETER_VALUE')).toContain(
      "Both 'run_name' argument and 'mlflow.runName' tag are specified",
    );
  });

  it('answers unknown, malformed and deleted runs with MLflow errors and writes nothing', async () => {
    const t = await open();
    const id = await createRun(t);
    const missing = 'f'.repeat(32);
    expect(errorOf(await t.get('/runs/get', { run_id: missing }), 404, 'RESOURCE_DOES_NOT_EXIST')).toBe(
      `Run with id=${missing} not found`,
    );
    expect(errorOf(await t.get('/runs/get', {}), 400, 'INVALID_PARAMETER_VALUE')).toBe(
      "Missing value for required parameter 'run_id'.",
    );
    errorOf(await t.get('/runs/get', { run_id: "x' OR '1'='1" }), 400, 'INVALID_PARAMETER_VALUE');
    errorOf(await t.post('/runs/update', { run_id: missing, status: 'FINISHED' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    errorOf(await t.post('/runs/update', { run_id: id, status: 'DONE' }), 400, 'INVALID_PARAMETER_VALUE');
    errorOf(await t.post('/runs/update', { run_id: id, end_time: 1.5 }), 400, 'INVALID_PARAMETER_VALUE');
    errorOf(await t.post('/runs/update', { run_id: id, end_time: -1 }), 400, 'INVALID_PARAMETER_VALUE');
    errorOf(await t.post('/runs/create', { experiment_id: '99' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    errorOf(await t.post('/runs/create', { start_time: 'soon' }), 400, 'INVALID_PARAMETER_VALUE');
    errorOf(await t.post('/runs/create', { run_name: 'n'.repeat(251) }), 400, 'INVALID_PARAMETER_VALUE');
    errorOf(await t.post('/runs/create', { tags: [{ key: 'a/../b', value: 'v' }] }), 400, 'INVALID_PARAMETER_VALUE');
    errorOf(
      await t.post('/runs/set-tag', { run_id: id, key: 'k', value: 'v'.repeat(8001) }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
    errorOf(await t.post('/runs/set-tag', { run_id: id, key: 'k' }), 400, 'INVALID_PARAMETER_VALUE');
    expect(errorOf(await t.post('/runs/delete-tag', { run_id: id, key: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST')).toBe(
      `No tag with name: "nope" in run with id ${id}`,
    );
    okOf(await t.post('/runs/delete', { run_id: id }));
    const before = await trackingSnapshot(t.metadata.db);
    for (const [path, body] of [
      ['/runs/set-tag', { run_id: id, key: 'k', value: 'v' }],
      ['/runs/delete-tag', { run_id: id, key: 'mlflow.runName' }],
      ['/runs/update', { run_id: id, status: 'FAILED' }],
      ['/runs/log-parameter', { run_id: id, key: 'p', value: '1' }],
      ['/runs/log-metric', { run_id: id, key: 'm', value: 1, timestamp: 1 }],
      ['/runs/log-batch', { run_id: id, metrics: [{ key: 'm', value: 1, timestamp: 1 }] }],
    ] as const) {
      const message = errorOf(await t.post(path, body), 400, 'INVALID_PARAMETER_VALUE');
      expect(message, path).toBe(`The run ${id} must be in the 'active' state. Current state is deleted.`);
    }
    expect(await trackingSnapshot(t.metadata.db)).toEqual(before);
  });

  it('lets finished runs be logged to, as MLflow does', async () => {
    const t = await open();
    const id = await createRun(t);
    okOf(await t.post('/runs/update', { run_id: id, status: 'FINISHED', end_time: 5 }));
    okOf(await t.post('/runs/log-metric', { run_id: id, key: 'late', value: 1, timestamp: 6 }));
  });
});
