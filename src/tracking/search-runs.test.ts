import { expect, it } from 'vitest';
import { SlipwayError } from '../domain/errors.js';
import type { MetadataStore } from '../storage/metadata/open-metadata.js';
import { forEachDialect } from '../storage/metadata/testing/for-each-dialect.js';
import { seedExperiment, seedRuns } from './search/testing/seed-runs.js';
import { type SearchRunsInput, searchRuns } from './search-runs.js';

const wine = (context: string) => ({
  tags: [{ key: 'mlflow.data.context', value: context }],
  dataset: { name: 'wine', digest: 'd1g3st', sourceType: 'local', source: '{"uri":"data/wine.csv"}' },
});

/** Five runs in experiment 0 (one deleted) and one in another experiment. */
async function fixture(store: MetadataStore) {
  const deps = { metadata: store };
  const other = await seedExperiment(deps, 'other');
  const ids = await seedRuns(deps, [
    {
      name: 'alpha',
      userId: 'ann',
      startTime: 1000,
      endTime: 1500,
      status: 'FINISHED',
      metrics: { acc: 0.9, loss: 0.1 },
      params: { model: 'rf', lr: '0.1' },
      tags: { team: 'ml', 'my key': 'x' },
      datasets: [wine('train')],
    },
    {
      name: 'beta',
      userId: 'bob',
      startTime: 2000,
      metrics: { acc: 0.5, loss: Number.NaN },
      params: { model: 'lr' },
      tags: { team: 'ML' },
    },
    {
      name: 'gamma',
      userId: 'bea',
      startTime: 3000,
      status: 'FAILED',
      metrics: { acc: Number.POSITIVE_INFINITY },
      params: { model: 'RF-big' },
    },
    { name: 'delta', startTime: 4000, params: { model: '50%_off' }, datasets: [wine('eval')] },
    { name: 'epsilon', startTime: 5000, metrics: { acc: 0.99 }, deleted: true },
    { name: 'zeta', experimentId: other, startTime: 6000, metrics: { acc: 0.7 } },
  ]);
  const names = Object.fromEntries(Object.entries(ids).map(([name, id]) => [id, name]));
  const search = async (input: Partial<SearchRunsInput>) => {
    const page = await searchRuns(deps, { experimentIds: ['0'], ...input });
    return page.items.map((run) => names[run.info.runId]);
  };
  return { deps, ids, other, search };
}

async function refused(work: Promise<unknown>): Promise<SlipwayError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SlipwayError);
  expect((error as SlipwayError).code).toBe('INVALID_PARAMETER_VALUE');
  return error as SlipwayError;
}

forEachDialect('searchRuns', (dialect) => {
  it('returns active runs newest first, whole, as runs/get shapes them', async () => {
    const { deps, ids, search } = await fixture(await dialect.open());
    expect(await search({})).toEqual(['delta', 'gamma', 'beta', 'alpha']);
    const [alpha] = (await searchRuns(deps, { experimentIds: ['0'], filter: "run_name = 'alpha'" })).items;
    expect(alpha?.info).toMatchObject({
      runId: ids.alpha,
      runName: 'alpha',
      userId: 'ann',
      status: 'FINISHED',
      startTime: 1000,
      endTime: 1500,
    });
    expect(alpha?.data.metrics.map((m) => [m.key, m.value])).toEqual([
      ['acc', 0.9],
      ['loss', 0.1],
    ]);
    expect(alpha?.data.params).toEqual([
      { key: 'lr', value: '0.1' },
      { key: 'model', value: 'rf' },
    ]);
    expect(alpha?.data.tags).toContainEqual({ key: 'team', value: 'ml' });
    expect(alpha?.inputs.datasetInputs[0]?.dataset.name).toBe('wine');
  });

  it('filters on metrics (latest value; NaN only matches !=; infinities compare)', async () => {
    const { search } = await fixture(await dialect.open());
    const cases: Array<[string, string[]]> = [
      ['metrics.acc > 0.6', ['gamma', 'alpha']],
      ['metrics.acc >= 0.5', ['gamma', 'beta', 'alpha']],
      ['metrics.acc < 0.9', ['beta']],
      ['metrics.acc <= 0.9', ['beta', 'alpha']],
      ['metrics.acc = 0.5', ['beta']],
      ['metrics.acc != 0.5', ['gamma', 'alpha']],
      ['metrics.acc > 1e308', ['gamma']],
      ['metrics.loss = 0', []],
      ['metrics.loss != 0.1', ['beta']],
      ['metrics.loss < 1', ['alpha']],
      ['metric.`acc` > -1', ['gamma', 'beta', 'alpha']],
      ['metrics.missing > 0', []],
    ];
    for (const [filter, expected] of cases) expect(await search({ filter }), filter).toEqual(expected);
  });

  it('filters on params and tags (=, !=, LIKE case-sensitive, ILIKE, escapes)', async () => {
    const { search } = await fixture(await dialect.open());
    const cases: Array<[string, string[]]> = [
      ["params.model = 'rf'", ['alpha']],
      ["params.model != 'rf'", ['delta', 'gamma', 'beta']],
      ["params.model LIKE 'rf%'", ['alpha']],
      ["params.model ILIKE 'rf%'", ['gamma', 'alpha']],
      ["params.model LIKE '%F%'", ['gamma']],
      ["params.model LIKE '_f'", ['alpha']],
      ["params.model LIKE '50\\%\\_off'", ['delta']],
      ["params.model LIKE '50\\%x%'", []],
      ["params.model LIKE '5_%'", ['delta']],
      ["params.model LIKE 'RF*'", []],
      ["params.model LIKE '[R]%'", []],
      ["params.lr = '0.1'", ['alpha']],
      ["tags.team = 'ml'", ['alpha']],
      ["tags.team ILIKE 'ML'", ['beta', 'alpha']],
      ["tags.`my key` = 'x'", ['alpha']],
      ["tags.mlflow.runName = 'gamma'", ['gamma']],
      ['tags."mlflow.runName" LIKE \'d%\'', ['delta']],
    ];
    for (const [filter, expected] of cases) expect(await search({ filter }), filter).toEqual(expected);
  });

  it('matches GLOB and LIKE metacharacters literally', async () => {
    const deps = { metadata: await dialect.open() };
    await seedRuns(deps, [
      { name: 'glob', params: { p: 'a*b?[c]\\d' } },
      { name: 'plain', params: { p: 'axbyczd' } },
    ]);
    const names = async (filter: string) =>
      (await searchRuns(deps, { experimentIds: ['0'], filter })).items.map((run) => run.info.runName);
    expect(await names("params.p LIKE 'a*b?[c]\\\\\\\\d'")).toEqual(['glob']);
    expect(await names("params.p LIKE 'a*b?[c]\\\\d'")).toEqual([]);
    expect(await names("params.p = 'a*b?[c]\\\\d'")).toEqual(['glob']);
    expect(await names("params.p LIKE 'a_b_[c]%'")).toEqual(['glob']);
    expect(await names("params.p LIKE 'a%'")).toEqual(['plain', 'glob']);
    expect(await names("params.p ILIKE 'A*B?[C]%'")).toEqual(['glob']);
    expect(await names("params.p LIKE 'a*%'")).toEqual(['glob']);
  });

  it('filters on attributes, run_id lists and datasets, AND-ed', async () => {
    const { ids, search } = await fixture(await dialect.open());
    const cases: Array<[string, string[]]> = [
      ["attributes.status = 'FINISHED'", ['alpha']],
      ["status != 'RUNNING'", ['gamma', 'alpha']],
      ["attributes.run_name = 'beta'", ['beta']],
      ["run_name ILIKE 'B%'", ['beta']],
      ["attributes.user_id LIKE 'b%'", ['gamma', 'beta']],
      ['attributes.start_time >= 2000', ['delta', 'gamma', 'beta']],
      ['attributes.created < 2000.5', ['beta', 'alpha']],
      ['attributes.end_time = 1500', ['alpha']],
      ['attributes.start_time > 1e20', []],
      [`attributes.run_id IN ('${ids.alpha}', '${ids.gamma}', 'nope')`, ['gamma', 'alpha']],
      [`run_id NOT IN ('${ids.alpha}')`, ['delta', 'gamma', 'beta']],
      [`attributes.run_id = '${ids.beta}'`, ['beta']],
      ["attributes.artifact_uri LIKE 'mlflow-artifacts:/0/%'", ['delta', 'gamma', 'beta', 'alpha']],
      ["datasets.name = 'wine'", ['delta', 'alpha']],
      ["datasets.context = 'train'", ['alpha']],
      ["dataset.context IN ('eval', 'test')", ['delta']],
      ["datasets.digest LIKE 'd1%'", ['delta', 'alpha']],
      ["metrics.acc > 0.1 and params.model ILIKE 'r%' and attributes.status = 'FAILED'", ['gamma']],
      ["datasets.name = 'wine' AND tags.team = 'ml' and metrics.loss < 0.5", ['alpha']],
    ];
    for (const [filter, expected] of cases) expect(await search({ filter }), filter).toEqual(expected);
  });

  it('honours run_view_type and several experiments', async () => {
    const { other, search } = await fixture(await dialect.open());
    expect(await search({ runViewType: 'DELETED_ONLY' })).toEqual(['epsilon']);
    expect(await search({ runViewType: 'ALL', filter: 'metrics.acc > 0.95' })).toEqual(['epsilon', 'gamma']);
    expect(await search({ experimentIds: ['0', other], filter: 'metrics.acc > 0.6' })).toEqual([
      'zeta',
      'gamma',
      'alpha',
    ]);
    expect(await search({ experimentIds: [other, other] })).toEqual(['zeta']);
    expect(await search({ experimentIds: ['12345'] })).toEqual([]);
    expect(await search({ experimentIds: [] })).toEqual([]);
  });

  it('orders by metrics with NaN after numbers and missing last, in both directions', async () => {
    const { search } = await fixture(await dialect.open());
    expect(await search({ orderBy: ['metrics.acc DESC'] })).toEqual(['gamma', 'alpha', 'beta', 'delta']);
    expect(await search({ orderBy: ['metrics.acc'] })).toEqual(['beta', 'alpha', 'gamma', 'delta']);
    expect(await search({ orderBy: ['metrics.loss ASC'] })).toEqual(['alpha', 'beta', 'delta', 'gamma']);
    expect(await search({ orderBy: ['metrics.loss DESC'] })).toEqual(['alpha', 'beta', 'delta', 'gamma']);
  });

  it('orders by params, tags and attributes (code point order, missing last) and breaks ties', async () => {
    const { search } = await fixture(await dialect.open());
    expect(await search({ orderBy: ['params.model'] })).toEqual(['delta', 'gamma', 'beta', 'alpha']);
    expect(await search({ orderBy: ['params.model DESC'] })).toEqual(['alpha', 'beta', 'gamma', 'delta']);
    expect(await search({ orderBy: ['params.lr DESC'] })).toEqual(['alpha', 'delta', 'gamma', 'beta']);
    expect(await search({ orderBy: ['tags.team ASC', 'metrics.acc DESC'] })).toEqual([
      'beta',
      'alpha',
      'gamma',
      'delta',
    ]);
    expect(await search({ orderBy: ['attributes.start_time ASC'] })).toEqual(['alpha', 'beta', 'gamma', 'delta']);
    expect(await search({ orderBy: ['attributes.end_time DESC'] })).toEqual(['alpha', 'delta', 'gamma', 'beta']);
    expect(await search({ orderBy: ['attributes.user_id'] })).toEqual(['delta', 'alpha', 'gamma', 'beta']);
    expect(await search({ orderBy: ['`run`.run_name DESC'] })).toEqual(['gamma', 'delta', 'beta', 'alpha']);
    expect(await search({ orderBy: ['attributes.status', 'attributes.run_name'] })).toEqual([
      'gamma',
      'alpha',
      'beta',
      'delta',
    ]);
  });

  it('refuses bad filters, order_by and max_results with INVALID_PARAMETER_VALUE', async () => {
    const { deps } = await fixture(await dialect.open());
    const run = (input: Partial<SearchRunsInput>) => searchRuns(deps, { experimentIds: ['0'], ...input });
    expect((await refused(run({ filter: 'metrics.acc >' }))).message).toBe(
      "Invalid filter 'metrics.acc >': expected a value after '>' at position 14",
    );
    expect((await refused(run({ orderBy: ['metrics.acc', 'metrics.acc DESC'] }))).message).toContain('duplicate');
    expect((await refused(run({ maxResults: 50_001 }))).message).toBe(
      "Invalid value 50001 for parameter 'max_results' supplied: it must be at most 50000.",
    );
    expect((await refused(run({ maxResults: 0 }))).message).toContain("parameter 'max_results'");
    expect((await refused(run({ experimentIds: ['abc'] }))).message).toContain("parameter 'experiment_ids[0]'");
  });
});
