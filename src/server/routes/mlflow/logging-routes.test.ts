import { afterEach, expect, it } from 'vitest';
import { getMetricHistoryResponseSchema } from '../../../contract/mlflow/logging.js';
import { runResponseSchema } from '../../../contract/mlflow/runs.js';
import { forEachDialect } from '../../../storage/metadata/testing/for-each-dialect.js';
import { trackingSnapshot } from '../../../tracking/testing/tracking-snapshot.js';
import { MLFLOW_PREFIXES } from './mount-mlflow.js';
import { errorOf, okOf, openTrackingApp, type TrackingApp } from './testing/tracking-app.js';

type RunBody = { run: { info: { run_id: string } } };

forEachDialect('MLflow logging routes', (dialect) => {
  const apps: TrackingApp[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });
  const open = async () => {
    const app = await openTrackingApp(await dialect.open());
    apps.push(app);
    const runId = okOf<RunBody>(await app.post('/runs/create', { experiment_id: '0' })).run.info.run_id;
    return { t: app, runId };
  };
  const readRun = async (t: TrackingApp, runId: string) =>
    runResponseSchema.parse(okOf(await t.get('/runs/get', { run_id: runId }))).run;
  const history = async (t: TrackingApp, query: Record<string, string>) =>
    getMetricHistoryResponseSchema.parse(okOf(await t.get('/metrics/get-history', query)));

  it.each(MLFLOW_PREFIXES)('logs params, metrics, batches, inputs and models under %s', async (prefix) => {
    const { t, runId } = await open();
    expect(okOf(await t.post('/runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' }, prefix))).toEqual({});
    const metric = { run_id: runId, run_uuid: runId, key: 'loss', value: 0.5, timestamp: 10, step: 1 };
    expect(okOf(await t.post('/runs/log-metric', metric, prefix))).toEqual({});
    const batch = {
      run_id: runId,
      metrics: [{ key: 'loss', value: 0.25, timestamp: 11, step: 2 }],
      params: [{ key: 'depth', value: '3' }],
      tags: [{ key: 'stage', value: 'dev' }],
    };
    expect(okOf(await t.post('/runs/log-batch', batch, prefix))).toEqual({});
    const dataset = { name: 'wine', digest: 'abc123', source_type: 'local', source: '{"uri": "data/wine.csv"}' };
    const inputs = { run_id: runId, datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset }] };
    expect(okOf(await t.post('/runs/log-inputs', inputs, prefix))).toEqual({});
    const model = { artifact_path: 'model', flavors: { onnx: {} }, utc_time_created: '2024-01-01', run_id: runId };
    expect(okOf(await t.post('/runs/log-model', { run_id: runId, model_json: JSON.stringify(model) }, prefix))).toEqual(
      {},
    );
    expect(okOf(await t.get('/metrics/get-history', { run_id: runId, metric_key: 'loss' }, prefix))).toEqual({
      metrics: [
        { key: 'loss', value: 0.5, timestamp: 10, step: 1 },
        { key: 'loss', value: 0.25, timestamp: 11, step: 2 },
      ],
    });
    const run = await readRun(t, runId);
    expect(run.data.metrics).toEqual([{ key: 'loss', value: 0.25, timestamp: 11, step: 2 }]);
    expect(run.data.params).toEqual([
      { key: 'depth', value: '3' },
      { key: 'lr', value: '0.1' },
    ]);
    expect(run.data.tags?.map((tag) => tag.key)).toEqual(['mlflow.log-model.history', 'mlflow.runName', 'stage']);
    expect(run.inputs).toEqual({
      dataset_inputs: [{ tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset }],
    });
  });

  it('round-trips NaN and ±Infinity in run data and history', async () => {
    const { t, runId } = await open();
    const metrics = [
      { key: 'nan', value: 'NaN', timestamp: 1, step: 0 },
      { key: 'inf', value: 'Infinity', timestamp: 1, step: 0 },
      { key: 'ninf', value: '-Infinity', timestamp: 1, step: 0 },
      { key: 'big', value: 1.7976931348623157e308, timestamp: 1, step: 0 },
      { key: 'text', value: '2.5e-3', timestamp: 1, step: 0 },
    ];
    okOf(await t.post('/runs/log-batch', { run_id: runId, metrics }));
    okOf(await t.post('/runs/log-metric', { run_id: runId, key: 'nan', value: 'NaN', timestamp: 2, step: 1 }));
    const run = await readRun(t, runId);
    expect(run.data.metrics).toEqual([
      { key: 'big', value: 1.7976931348623157e308, timestamp: 1, step: 0 },
      { key: 'inf', value: 'Infinity', timestamp: 1, step: 0 },
      { key: 'nan', value: 'NaN', timestamp: 2, step: 1 },
      { key: 'ninf', value: '-Infinity', timestamp: 1, step: 0 },
      { key: 'text', value: 0.0025, timestamp: 1, step: 0 },
    ]);
    expect((await history(t, { run_id: runId, metric_key: 'nan' })).metrics).toEqual([
      { key: 'nan', value: 'NaN', timestamp: 1, step: 0 },
      { key: 'nan', value: 'NaN', timestamp: 2, step: 1 },
    ]);
    expect((await history(t, { run_id: runId, metric_key: 'ninf' })).metrics?.[0]?.value).toBe('-Infinity');
  });

  it('pages metric history with signed tokens and refuses forged ones', async () => {
    const { t, runId } = await open();
    const points = Array.from({ length: 7 }, (_, i) => ({
      key: 'acc',
      value: i === 3 ? 'Infinity' : i / 10,
      timestamp: 100,
      step: 6 - i,
    }));
    okOf(await t.post('/runs/log-batch', { run_id: runId, metrics: points }));
    const steps: number[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const query: Record<string, string> = { run_id: runId, metric_key: 'acc', max_results: '3' };
      if (token !== undefined) query.page_token = token;
      const page = await history(t, query);
      steps.push(...(page.metrics ?? []).map((metric) => metric.step));
      token = page.next_page_token;
      pages++;
    } while (token !== undefined);
    expect(steps).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(pages).toBe(3);
    const first = await history(t, { run_id: runId, metric_key: 'acc', max_results: '2' });
    const valid = first.next_page_token ?? '';
    const [body = '', signature = ''] = valid.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ r: runId, k: 'acc', s: -1, t: 0, v: '0', n: 0 })).toString(
      'base64url',
    );
    for (const page_token of [
      `${forgedBody}.${signature}`,
      `${body}.${signature.slice(0, -2)}AA`,
      'not-a-token',
      "' OR 1=1 --",
      `${body}.${signature}.x`,
      'x'.repeat(10_000),
    ]) {
      const response = await t.get('/metrics/get-history', { run_id: runId, metric_key: 'acc', page_token });
      expect(errorOf(response, 400, 'INVALID_PARAMETER_VALUE'), page_token.slice(0, 40)).toMatch(/^Invalid page_token/);
    }
    const elsewhere = await t.get('/metrics/get-history', { run_id: runId, metric_key: 'loss', page_token: valid });
    expect(errorOf(elsewhere, 400, 'INVALID_PARAMETER_VALUE')).toContain('another metric history');
    expect((await history(t, { run_id: runId, metric_key: 'acc', max_results: '25000' })).metrics).toHaveLength(7);
    expect((await history(t, { run_id: runId, metric_key: 'acc', max_results: '123456789' })).metrics).toHaveLength(7);
    errorOf(
      await t.get('/metrics/get-history', { run_id: runId, metric_key: 'acc', max_results: '0' }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
    errorOf(
      await t.get('/metrics/get-history', { run_id: runId, metric_key: 'acc', max_results: 'x' }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
    errorOf(await t.get('/metrics/get-history', { run_id: runId }), 400, 'INVALID_PARAMETER_VALUE');
    errorOf(
      await t.get('/metrics/get-history', { run_id: 'f'.repeat(32), metric_key: 'acc' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    expect(okOf(await t.get('/metrics/get-history', { run_id: runId, metric_key: 'none' }))).toEqual({});
  });

  it('keeps params immutable and refuses conflicting duplicates in one batch', async () => {
    const { t, runId } = await open();
    okOf(await t.post('/runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' }));
    okOf(await t.post('/runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' }));
    okOf(
      await t.post('/runs/log-batch', {
        run_id: runId,
        params: [
          { key: 'lr', value: '0.1' },
          { key: 'lr', value: '0.1' },
        ],
      }),
    );
    const before = await trackingSnapshot(t.metadata.db);
    const changed = errorOf(
      await t.post('/runs/log-parameter', { run_id: runId, key: 'lr', value: '0.2' }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
    expect(changed).toContain("key='lr'");
    expect(changed).toContain('value="0.1"');
    expect(changed).toContain('new value "0.2"');
    const batch = {
      run_id: runId,
      metrics: [{ key: 'm', value: 1, timestamp: 1 }],
      params: [
        { key: 'fresh', value: 'x' },
        { key: 'lr', value: '0.3' },
      ],
      tags: [{ key: 't', value: 'v' }],
    };
    expect(errorOf(await t.post('/runs/log-batch', batch), 400, 'INVALID_PARAMETER_VALUE')).toContain("key='lr'");
    const duplicate = {
      run_id: runId,
      params: [
        { key: 'p', value: 'a' },
        { key: 'p', value: 'b' },
      ],
    };
    expect(errorOf(await t.post('/runs/log-batch', duplicate), 400, 'INVALID_PARAMETER_VALUE')).toContain(
      'Duplicate parameter keys',
    );
    expect(await trackingSnapshot(t.metadata.db)).toEqual(before);
  });

  it('enforces MLflow batch limits and writes nothing from a refused batch', async () => {
    const { t, runId } = await open();
    const many = (n: number, make: (i: number) => object) => Array.from({ length: n }, (_, i) => make(i));
    const metric = (i: number) => ({ key: `m${i}`, value: i, timestamp: 1 });
    const kv = (i: number) => ({ key: `k${i}`, value: 'v' });
    okOf(await t.post('/runs/log-batch', { run_id: runId, metrics: many(1000, metric) }));
    okOf(
      await t.post('/runs/log-batch', {
        run_id: runId,
        metrics: many(800, metric),
        params: many(100, kv),
        tags: many(100, kv),
      }),
    );
    const before = await trackingSnapshot(t.metadata.db);
    const refused: Array<[object, string]> = [
      [{ metrics: many(1001, metric) }, 'at most 1000 metrics'],
      [{ params: many(101, kv) }, 'at most 100 params'],
      [{ tags: many(101, kv) }, 'at most 100 tags'],
      [
        { metrics: many(900, metric), params: many(51, kv), tags: many(50, kv) },
        'at most 1000 metrics, params, and tags',
      ],
      [{ metrics: [metric(1), { key: 'bad', value: 'high', timestamp: 1 }] }, "'metrics[1].value'"],
      [{ metrics: [{ key: 'm', value: 1, timestamp: 1.5 }] }, "'metrics[0].timestamp'"],
      [{ metrics: [{ key: 'm', value: 1, timestamp: -5 }] }, "'metrics[0].timestamp'"],
      [{ metrics: [{ key: 'm', value: 1, timestamp: 2 ** 53 + 2 }] }, "'metrics[0].timestamp'"],
      [{ metrics: [{ key: 'm', value: 1, timestamp: '9223372036854775807' }] }, "'metrics[0].timestamp'"],
      [{ metrics: [{ key: 'm', value: 1, timestamp: 1, step: 'one' }] }, "'metrics[0].step'"],
      [{ metrics: [{ key: 'm', value: true, timestamp: 1 }] }, "'metrics[0].value'"],
      [{ metrics: [{ value: 1, timestamp: 1 }] }, "required parameter 'metrics[0].key'"],
      [{ metrics: [{ key: '../../etc/passwd', value: 1, timestamp: 1 }] }, "'metrics[0].key'"],
      [{ metrics: [{ key: 'a\u0000b', value: 1, timestamp: 1 }] }, "'metrics[0].key'"],
      [
        { params: [kv(1), { key: 'big', value: 'x'.repeat(6001) }] },
        "'params[1].value' exceeds the maximum length of 6000",
      ],
      [{ params: [{ key: 'k'.repeat(251), value: 'v' }] }, "'params[0].key' exceeds the maximum length of 250"],
      [{ tags: [{ key: 'k', value: 'x'.repeat(8001) }] }, "'tags[0].value' exceeds the maximum length of 8000"],
      [{ tags: [{ key: '/abs', value: 'v' }] }, "'tags[0].key'"],
      [{ tags: [{ key: 'k', value: 'nul\u0000' }] }, "'tags[0].value'"],
      [{ tags: { key: 'k', value: 'v' } }, "'tags'"],
      [{ metrics: [metric(1)], tags: [{ key: 'mlflow.runName', value: 'n'.repeat(300) }] }, 'mlflow.runName'],
    ];
    for (const [body, expected] of refused) {
      const message = errorOf(
        await t.post('/runs/log-batch', { run_id: runId, ...body }),
        400,
        'INVALID_PARAMETER_VALUE',
      );
      expect(message, expected).toContain(expected);
    }
    expect(await trackingSnapshot(t.metadata.db)).toEqual(before);
  });

  it('refuses bodies over 1 MB with MLflow 400, deep JSON and malformed JSON, store unchanged', async () => {
    const { t, runId } = await open();
    const before = await trackingSnapshot(t.metadata.db);
    const huge = JSON.stringify({ run_id: runId, tags: [{ key: 'k', value: 'x'.repeat(1_000_001) }] });
    expect(errorOf(await t.postRaw('/runs/log-batch', huge), 400, 'INVALID_PARAMETER_VALUE')).toContain(
      'at most 1000000 bytes',
    );
    const deep = `{"run_id":"${runId}","metrics":${'['.repeat(100)}${']'.repeat(100)}}`;
    errorOf(await t.postRaw('/runs/log-batch', deep), 400, 'MALFORMED_REQUEST');
    errorOf(await t.postRaw('/runs/log-batch', '{"run_id": '), 400, 'MALFORMED_REQUEST');
    errorOf(
      await t.postRaw('/runs/log-parameter', `{"run_id":"${runId}","key":"k","value":"${'v'.repeat(2_000_000)}"}`),
      400,
      'INVALID_PARAMETER_VALUE',
    );
    expect(await trackingSnapshot(t.metadata.db)).toEqual(before);
  });

  it('keeps the latest metric by (step, timestamp, value), whatever the logging order', async () => {
    const { t, runId } = await open();
    const log = (value: number, timestamp: number, step: number) =>
      t.post('/runs/log-metric', { run_id: runId, key: 'm', value, timestamp, step });
    okOf(await log(1, 100, 5));
    okOf(await log(2, 999, 4));
    okOf(await log(0.5, 100, 5));
    okOf(await log(0.7, 101, 5));
    okOf(await log(0.7, 101, 5));
    okOf(await t.post('/runs/log-batch', { run_id: runId, metrics: [{ key: 'm', value: 3, timestamp: 1, step: 5 }] }));
    expect((await readRun(t, runId)).data.metrics).toEqual([{ key: 'm', value: 0.7, timestamp: 101, step: 5 }]);
    expect((await history(t, { run_id: runId, metric_key: 'm' })).metrics).toHaveLength(5);
  });

  it('deduplicates datasets per experiment and keeps the first input tags', async () => {
    const { t, runId } = await open();
    const dataset = {
      name: 'wine',
      digest: 'd1',
      source_type: 'local',
      source: 's',
      schema: '{"a":1}',
      profile: '{"n":3}',
    };
    const entry = (context: string) => ({ tags: [{ key: 'mlflow.data.context', value: context }], dataset });
    okOf(await t.post('/runs/log-inputs', { run_id: runId, datasets: [entry('train'), entry('ignored')] }));
    okOf(await t.post('/runs/log-inputs', { run_id: runId, datasets: [entry('eval')] }));
    const other = okOf<RunBody>(await t.post('/runs/create', {})).run.info.run_id;
    okOf(await t.post('/runs/log-inputs', { run_id: other, datasets: [entry('test')] }));
    expect((await readRun(t, runId)).inputs.dataset_inputs).toEqual([entry('train')]);
    expect((await readRun(t, other)).inputs.dataset_inputs).toEqual([entry('test')]);
    expect(await t.metadata.db.selectFrom('datasets').select('name').execute()).toEqual([{ name: 'wine' }]);
    const before = await trackingSnapshot(t.metadata.db);
    for (const datasets of [
      [{ dataset: { ...dataset, digest: 'x'.repeat(37) } }],
      [{ dataset: { ...dataset, name: '' } }],
      [{ dataset: { name: 'n', digest: 'd' } }],
      [{ tags: [{ key: 'k', value: 'v'.repeat(501) }], dataset: { ...dataset, digest: 'd2' } }],
    ]) {
      errorOf(await t.post('/runs/log-inputs', { run_id: runId, datasets }), 400, 'INVALID_PARAMETER_VALUE');
    }
    expect(await trackingSnapshot(t.metadata.db)).toEqual(before);
  });

  it('appends logged models to the mlflow.log-model.history tag and refuses bad model JSON', async () => {
    const { t, runId } = await open();
    const model = (path: string) => ({
      artifact_path: path,
      flavors: { onnx: { onnx_version: '1.16', config: { secret: 1 } }, python_function: { loader_module: 'x' } },
      utc_time_created: '2024-01-01 00:00:00.000000',
      run_id: runId,
      model_uuid: 'u1',
      signature: { inputs: '[]' },
    });
    okOf(await t.post('/runs/log-model', { run_id: runId, model_json: JSON.stringify(model('a')) }));
    okOf(await t.post('/runs/log-model', { run_id: runId, model_json: JSON.stringify(model('b')) }));
    const tag = (await readRun(t, runId)).data.tags?.find((entry) => entry.key === 'mlflow.log-model.history');
    const summary = (path: string) => ({
      run_id: runId,
      utc_time_created: '2024-01-01 00:00:00.000000',
      artifact_path: path,
      model_uuid: 'u1',
      flavors: { onnx: { onnx_version: '1.16' }, python_function: { loader_module: 'x' } },
    });
    expect(JSON.parse(tag?.value ?? '')).toEqual([summary('a'), summary('b')]);
    const before = await trackingSnapshot(t.metadata.db);
    for (const model_json of ['{not json', '[]', JSON.stringify({ artifact_path: 'a' })]) {
      errorOf(await t.post('/runs/log-model', { run_id: runId, model_json }), 400, 'INVALID_PARAMETER_VALUE');
    }
    errorOf(await t.post('/runs/log-model', { run_id: runId }), 400, 'INVALID_PARAMETER_VALUE');
    expect(await trackingSnapshot(t.metadata.db)).toEqual(before);
  });
});
