import { afterEach, describe, expect, it } from 'vitest';
import { experimentResponseSchema } from '../../../contract/mlflow/experiments.js';
import { forEachDialect } from '../../../storage/metadata/testing/for-each-dialect.js';
import { trackingSnapshot } from '../../../tracking/testing/tracking-snapshot.js';
import { MLFLOW_PREFIXES } from './mount-mlflow.js';
import { errorOf, okOf, openTrackingApp, type TrackingApp } from './testing/tracking-app.js';

forEachDialect('MLflow experiment routes', (dialect) => {
  const apps: TrackingApp[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });
  const open = async () => {
    const app = await openTrackingApp(await dialect.open());
    apps.push(app);
    return app;
  };
  const getExperiment = async (t: TrackingApp, id: string) =>
    experimentResponseSchema.parse(okOf(await t.get('/experiments/get', { experiment_id: id }))).experiment;

  it('has the default experiment "0" on a fresh store', async () => {
    const t = await open();
    const body = okOf(await t.get('/experiments/get', { experiment_id: '0' }));
    expect(body).toEqual({
      experiment: {
        experiment_id: '0',
        name: 'Default',
        artifact_location: 'mlflow-artifacts:/0',
        lifecycle_stage: 'active',
        creation_time: expect.any(Number),
        last_update_time: expect.any(Number),
      },
    });
    expect(okOf(await t.get('/experiments/get-by-name', { experiment_name: 'Default' }))).toEqual(body);
  });

  it.each(MLFLOW_PREFIXES)('creates, reads, renames, tags, deletes and restores under %s', async (prefix) => {
    const t = await open();
    const created = okOf(
      await t.post('/experiments/create', { name: 'wine', tags: [{ key: 'team', value: 'a' }] }, prefix),
    );
    expect(created).toEqual({ experiment_id: '1' });
    const got = okOf(await t.get('/experiments/get', { experiment_id: '1' }, prefix));
    expect(got).toEqual({
      experiment: {
        experiment_id: '1',
        name: 'wine',
        artifact_location: 'mlflow-artifacts:/1',
        lifecycle_stage: 'active',
        creation_time: expect.any(Number),
        last_update_time: expect.any(Number),
        tags: [{ key: 'team', value: 'a' }],
      },
    });
    expect(okOf(await t.post('/experiments/update', { experiment_id: '1', new_name: 'red' }, prefix))).toEqual({});
    expect(okOf(await t.get('/experiments/get-by-name', { experiment_name: 'red' }, prefix))).toMatchObject({
      experiment: { experiment_id: '1', name: 'red' },
    });
    const tag = { experiment_id: '1', key: 'mlflow.note.content', value: 'notes' };
    expect(okOf(await t.post('/experiments/set-experiment-tag', tag, prefix))).toEqual({});
    expect(okOf(await t.post('/experiments/delete', { experiment_id: '1' }, prefix))).toEqual({});
    expect((await getExperiment(t, '1')).lifecycle_stage).toBe('deleted');
    expect(okOf(await t.post('/experiments/restore', { experiment_id: '1' }, prefix))).toEqual({});
    const restored = await getExperiment(t, '1');
    expect(restored.lifecycle_stage).toBe('active');
    expect(restored.tags).toEqual([
      { key: 'mlflow.note.content', value: 'notes' },
      { key: 'team', value: 'a' },
    ]);
  });

  it('accepts an mlflow-artifacts: location and gives runs a folder under it', async () => {
    const t = await open();
    okOf(await t.post('/experiments/create', { name: 'x', artifact_location: 'mlflow-artifacts:/team-a/churn' }));
    const run = okOf<{ run: { info: { run_id: string; artifact_uri: string } } }>(
      await t.post('/runs/create', { experiment_id: '1' }),
    );
    expect(run.run.info.artifact_uri).toBe(`mlflow-artifacts:/team-a/churn/${run.run.info.run_id}/artifacts`);
  });

  it('refuses artifact locations outside the artifact store with 400 and creates nothing', async () => {
    const t = await open();
    const before = await trackingSnapshot(t.metadata.db);
    for (const location of [
      'file:///etc',
      '/etc',
      '../x',
      's3://bucket/p?../../x',
      'http:///#/../../etc/',
      'http://h/a;/../../etc',
      'mlflow-artifacts:/#/../',
      'mlflow-artifacts:/../../x',
      'mlflow-artifacts:/a/../../x',
      'mlflow-artifacts:/%2e%2e/x',
      'mlflow-artifacts://evil.example/x',
      'mlflow-artifacts:/a\\..\\b',
      'mlflow-artifacts:/a/./b',
      'mlflow-artifacts:/',
      'runs:/abc/model',
      'C:\\',
      `mlflow-artifacts:/${'a'.repeat(300)}`,
    ]) {
      const response = await t.post('/experiments/create', { name: 'x', artifact_location: location });
      expect(errorOf(response, 400, 'INVALID_PARAMETER_VALUE'), location).toContain("'artifact_location'");
    }
    expect(await trackingSnapshot(t.metadata.db)).toEqual(before);
  });

  it('answers MLflow errors: missing, duplicate, bad types, deleted', async () => {
    const t = await open();
    okOf(await t.post('/experiments/create', { name: 'wine' }));
    expect(errorOf(await t.post('/experiments/create', { name: 'wine' }), 400, 'RESOURCE_ALREADY_EXISTS')).toBe(
      'Experiment(name=wine) already exists.',
    );
    expect(errorOf(await t.get('/experiments/get', { experiment_id: '42' }), 404, 'RESOURCE_DOES_NOT_EXIST')).toBe(
      'No Experiment with id=42 exists',
    );
    errorOf(await t.get('/experiments/get', { experiment_id: 'abc' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expect(
      errorOf(await t.get('/experiments/get-by-name', { experiment_name: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST'),
    ).toBe('Could not find experiment with name "nope"');
    expect(errorOf(await t.get('/experiments/get', {}), 400, 'INVALID_PARAMETER_VALUE')).toBe(
      "Missing value for required parameter 'experiment_id'.",
    );
    expect(errorOf(await t.post('/experiments/create', { name: 5 }), 400, 'INVALID_PARAMETER_VALUE')).toContain(
      "for parameter 'name'",
    );
    errorOf(await t.post('/experiments/create', { name: '' }), 400, 'INVALID_PARAMETER_VALUE');
    errorOf(await t.post('/experiments/create', { name: 'x'.repeat(501) }), 400, 'INVALID_PARAMETER_VALUE');
    errorOf(await t.post('/experiments/create', { name: 'nul\u0000' }), 400, 'INVALID_PARAMETER_VALUE');
    errorOf(await t.post('/experiments/create', []), 400, 'INVALID_PARAMETER_VALUE');
    // PostgreSQL spends an identity value on the refused insert above: never assume ids, read them.
    const other = okOf<{ experiment_id: string }>(await t.post('/experiments/create', { name: 'other' })).experiment_id;
    errorOf(
      await t.post('/experiments/update', { experiment_id: other, new_name: 'wine' }),
      400,
      'RESOURCE_ALREADY_EXISTS',
    );
    errorOf(await t.post('/experiments/update', { experiment_id: other }), 400, 'INVALID_PARAMETER_VALUE');
    okOf(await t.post('/experiments/delete', { experiment_id: '1' }));
    errorOf(await t.post('/experiments/delete', { experiment_id: '1' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    errorOf(await t.post('/experiments/restore', { experiment_id: other }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expect(
      errorOf(
        await t.post('/experiments/update', { experiment_id: '1', new_name: 'z' }),
        400,
        'INVALID_PARAMETER_VALUE',
      ),
    ).toBe('Cannot rename a non-active experiment.');
    const tag = { experiment_id: '1', key: 'k', value: 'v' };
    errorOf(await t.post('/experiments/set-experiment-tag', tag), 400, 'INVALID_PARAMETER_VALUE');
    errorOf(await t.post('/runs/create', { experiment_id: '1' }), 400, 'INVALID_PARAMETER_VALUE');
    errorOf(await t.post('/experiments/create', { name: 'wine' }), 400, 'RESOURCE_ALREADY_EXISTS');
  });

  it('refuses bad experiment tags and leaves the store unchanged', async () => {
    const t = await open();
    const before = await trackingSnapshot(t.metadata.db);
    for (const tags of [
      [{ key: '../x', value: 'v' }],
      [{ key: 'k', value: 'v'.repeat(5001) }],
      [{ key: 'k'.repeat(251), value: 'v' }],
      [{ key: 'k', value: 7 }],
      Array.from({ length: 101 }, (_, i) => ({ key: `k${i}`, value: 'v' })),
    ]) {
      errorOf(await t.post('/experiments/create', { name: 'x', tags }), 400, 'INVALID_PARAMETER_VALUE');
    }
    expect(await trackingSnapshot(t.metadata.db)).toEqual(before);
  });

  describe('deleting an experiment', () => {
    it('deletes its runs and restoring brings them back', async () => {
      const t = await open();
      okOf(await t.post('/experiments/create', { name: 'x' }));
      const runId = okOf<{ run: { info: { run_id: string } } }>(await t.post('/runs/create', { experiment_id: '1' }))
        .run.info.run_id;
      okOf(await t.post('/experiments/delete', { experiment_id: '1' }));
      const stage = async () =>
        okOf<{ run: { info: { lifecycle_stage: string } } }>(await t.get('/runs/get', { run_id: runId })).run.info
          .lifecycle_stage;
      expect(await stage()).toBe('deleted');
      okOf(await t.post('/experiments/restore', { experiment_id: '1' }));
      expect(await stage()).toBe('active');
    });
  });
});
