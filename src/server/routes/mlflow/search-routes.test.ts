import { afterEach, expect, it } from 'vitest';
import { searchExperimentsResponseSchema, searchRunsResponseSchema } from '../../../contract/mlflow/search.js';
import { forEachDialect } from '../../../storage/metadata/testing/for-each-dialect.js';
import { type SeedRun, seedRuns } from '../../../tracking/search/testing/seed-runs.js';
import { MLFLOW_PREFIXES } from './mount-mlflow.js';
import { errorOf, okOf, openTrackingApp, type TrackingApp } from './testing/tracking-app.js';

const RUNS: SeedRun[] = [
  {
    name: 'alpha',
    startTime: 1000,
    metrics: { acc: 0.9, loss: Number.NaN },
    params: { model: 'rf' },
    tags: { team: 'ml' },
  },
  { name: 'beta', startTime: 2000, metrics: { acc: 0.5 }, params: { model: 'lr' } },
  { name: 'gamma', startTime: 3000, metrics: { acc: Number.POSITIVE_INFINITY } },
];

type Run = { info: { run_id: string; run_name: string } };
const namesOf = (body: { runs?: Run[] }) => (body.runs ?? []).map((run) => run.info.run_name);

forEachDialect('MLflow search routes', (dialect) => {
  const apps: TrackingApp[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });
  const open = async () => {
    const app = await openTrackingApp(await dialect.open());
    apps.push(app);
    await seedRuns({ metadata: app.metadata }, RUNS);
    return app;
  };

  it.each(MLFLOW_PREFIXES)('POST %s/runs/search filters, orders and returns runs as runs/get does', async (prefix) => {
    const t = await open();
    const body = okOf<{ runs: Run[] }>(
      await t.post(
        '/runs/search',
        {
          experiment_ids: ['0'],
          filter: 'metrics.acc > 0.6',
          order_by: ['metrics.acc DESC'],
          run_view_type: 'ACTIVE_ONLY',
        },
        prefix,
      ),
    );
    expect(searchRunsResponseSchema.strict().parse(body)).toEqual(body);
    expect(namesOf(body)).toEqual(['gamma', 'alpha']);
    for (const run of body.runs) {
      const got = okOf<{ run: unknown }>(await t.get('/runs/get', { run_id: run.info.run_id }, prefix));
      expect(run).toEqual(got.run);
    }
    const alpha = body.runs[1] as unknown as { data: { metrics: Array<{ key: string; value: unknown }> } };
    expect(alpha.data.metrics.find((m) => m.key === 'loss')?.value).toBe('NaN');
    expect((body.runs[0] as unknown as { data: { metrics: Array<{ value: unknown }> } }).data.metrics[0]?.value).toBe(
      'Infinity',
    );
  });

  it('answers {} when nothing matches, and accepts view types by number', async () => {
    const t = await open();
    expect(okOf(await t.post('/runs/search', { experiment_ids: ['0'], filter: "params.model = 'none'" }))).toEqual({});
    expect(okOf(await t.post('/runs/search', { experiment_ids: ['0'], run_view_type: 2 }))).toEqual({});
    expect(namesOf(okOf(await t.post('/runs/search', { experiment_ids: [0], run_view_type: 3 })))).toEqual([
      'gamma',
      'beta',
      'alpha',
    ]);
    expect(okOf(await t.post('/runs/search', {}))).toEqual({});
  });

  it('pages with next_page_token until the last page', async () => {
    const t = await open();
    const names: string[] = [];
    let token: string | undefined;
    do {
      const body = okOf<{ runs?: Run[]; next_page_token?: string }>(
        await t.post('/runs/search', {
          experiment_ids: ['0'],
          max_results: 2,
          ...(token ? { page_token: token } : {}),
        }),
      );
      names.push(...namesOf(body));
      token = body.next_page_token;
    } while (token);
    expect(names).toEqual(['gamma', 'beta', 'alpha']);
  });

  it('answers bad requests with 400 INVALID_PARAMETER_VALUE saying what is wrong', async () => {
    const t = await open();
    const bad = async (body: unknown) => errorOf(await t.post('/runs/search', body), 400, 'INVALID_PARAMETER_VALUE');
    expect(await bad({ experiment_ids: ['0'], filter: 'metrics.acc >' })).toBe(
      "Invalid filter 'metrics.acc >': expected a value after '>' at position 14",
    );
    expect(await bad({ experiment_ids: ['0'], max_results: 50_001 })).toBe(
      "Invalid value 50001 for parameter 'max_results' supplied: it must be at most 50000.",
    );
    expect(await bad({ experiment_ids: ['0'], page_token: 'eyJvIjoxfQ.AAAA' })).toBe(
      'Invalid page_token: it is not one this server issued.',
    );
    expect(await bad({ experiment_ids: ['0'], order_by: ['metrics.acc sideways'] })).toContain(
      "Invalid order_by clause 'metrics.acc sideways'",
    );
    expect(await bad({ experiment_ids: ['0'], run_view_type: 'SOME' })).toContain("parameter 'run_view_type'");
    expect(await bad({ experiment_ids: '0' })).toContain("parameter 'experiment_ids'");
    expect(await bad({ experiment_ids: ['0'], order_by: 'metrics.acc' })).toContain("parameter 'order_by'");
    expect(await bad({ experiment_ids: ['x'] })).toContain("parameter 'experiment_ids[0]'");
  });

  it.each(MLFLOW_PREFIXES)('POST and GET %s/experiments/search', async (prefix) => {
    const t = await open();
    for (const name of ['wine-red', 'wine-white', 'beer']) okOf(await t.post('/experiments/create', { name }, prefix));
    const posted = okOf<{ experiments: Array<{ name: string }> }>(
      await t.post(
        '/experiments/search',
        { filter: "name LIKE 'wine%'", order_by: ['name DESC'], max_results: 10 },
        prefix,
      ),
    );
    expect(searchExperimentsResponseSchema.strict().parse(posted)).toEqual(posted);
    expect(posted.experiments.map((e) => e.name)).toEqual(['wine-white', 'wine-red']);
    const got = okOf<{ experiments: Array<{ name: string }>; next_page_token?: string }>(
      await t.get(
        '/experiments/search',
        { filter: "name != 'x'", order_by: ['name', 'experiment_id DESC'], max_results: '2', view_type: 'ACTIVE_ONLY' },
        prefix,
      ),
    );
    expect(got.experiments.map((e) => e.name)).toEqual(['Default', 'beer']);
    const next = okOf<{ experiments: Array<{ name: string }> }>(
      await t.get(
        '/experiments/search',
        {
          filter: "name != 'x'",
          order_by: ['name', 'experiment_id DESC'],
          max_results: '2',
          page_token: got.next_page_token ?? '',
        },
        prefix,
      ),
    );
    expect(next.experiments.map((e) => e.name)).toEqual(['wine-red', 'wine-white']);
    const one = okOf<{ experiments: Array<{ name: string }> }>(
      await t.get('/experiments/search', { order_by: 'name DESC', view_type: '1' }, prefix),
    );
    expect(one.experiments[0]?.name).toBe('wine-white');
  });

  it('refuses bad experiment searches with 400', async () => {
    const t = await open();
    const message = errorOf(
      await t.get('/experiments/search', { filter: 'name LIKE' }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
    expect(message).toBe("Invalid filter 'name LIKE': expected a value after 'LIKE' at position 10");
    errorOf(await t.post('/experiments/search', { max_results: 'many' }), 400, 'INVALID_PARAMETER_VALUE');
    errorOf(await t.post('/experiments/search', { view_type: 'EVERYTHING' }), 400, 'INVALID_PARAMETER_VALUE');
  });
});
