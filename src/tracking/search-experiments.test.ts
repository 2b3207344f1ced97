import { expect, it } from 'vitest';
import { SlipwayError } from '../domain/errors.js';
import type { MetadataStore } from '../storage/metadata/open-metadata.js';
import { forEachDialect } from '../storage/metadata/testing/for-each-dialect.js';
import { createExperiment } from './create-experiment.js';
import { deleteExperiment } from './delete-experiment.js';
import { type SearchExperimentsInput, searchExperiments } from './search-experiments.js';
import { searchRuns } from './search-runs.js';

/** Default (id 0) plus four experiments created at known times, one deleted. */
async function fixture(store: MetadataStore) {
  const at = (time: number) => ({ metadata: store, now: () => time });
  const create = async (name: string, time: number, tags: Record<string, string> = {}) =>
    (await createExperiment(at(time), { name, tags: Object.entries(tags).map(([key, value]) => ({ key, value })) }))
      .experimentId;
  await create('wine-red', 1000, { team: 'ml', 'extra key': 'a b' });
  await create('wine-white', 2000, { team: 'ML' });
  await create('Beer', 3000);
  const old = await create('wine-old', 500, { team: 'ml' });
  await deleteExperiment(at(4000), { experimentId: old });
  const deps = { metadata: store };
  const search = async (input: SearchExperimentsInput) =>
    (await searchExperiments(deps, input)).items.map((experiment) => experiment.name);
  return { deps, search };
}

forEachDialect('searchExperiments', (dialect) => {
  it('lists active experiments newest first by default, with their tags', async () => {
    const { deps, search } = await fixture(await dialect.open());
    expect(await search({})).toEqual(['Default', 'Beer', 'wine-white', 'wine-red']);
    const [red] = (await searchExperiments(deps, { filter: "name = 'wine-red'" })).items;
    expect(red?.tags).toEqual([
      { key: 'extra key', value: 'a b' },
      { key: 'team', value: 'ml' },
    ]);
    expect(red).toMatchObject({ name: 'wine-red', creationTime: 1000, lifecycleStage: 'active' });
  });

  it('filters on name, times and tags, and honours view_type', async () => {
    const { search } = await fixture(await dialect.open());
    const cases: Array<[SearchExperimentsInput, string[]]> = [
      [{ filter: "name LIKE 'wine-%'" }, ['wine-white', 'wine-red']],
      [{ filter: "name LIKE 'WINE%'" }, []],
      [{ filter: "name ILIKE 'WINE%'" }, ['wine-white', 'wine-red']],
      [{ filter: "attributes.name != 'Beer' and name != 'Default'" }, ['wine-white', 'wine-red']],
      [{ filter: 'creation_time > 1000 and creation_time <= 3000' }, ['Beer', 'wine-white']],
      [{ filter: 'last_update_time = 2000' }, ['wine-white']],
      [{ filter: "tags.team = 'ml'" }, ['wine-red']],
      [{ filter: "tags.team ILIKE 'ml'" }, ['wine-white', 'wine-red']],
      [{ filter: "tags.`extra key` LIKE '% %'" }, ['wine-red']],
      [{ filter: "tags.team = 'ml'", viewType: 'ALL' }, ['wine-red', 'wine-old']],
      [{ viewType: 'DELETED_ONLY' }, ['wine-old']],
    ];
    for (const [input, expected] of cases) expect(await search(input), JSON.stringify(input)).toEqual(expected);
  });

  it('orders by name, experiment_id and times', async () => {
    const { search } = await fixture(await dialect.open());
    const filter = "name != 'Default'";
    expect(await search({ filter, orderBy: ['name'] })).toEqual(['Beer', 'wine-red', 'wine-white']);
    expect(await search({ filter, orderBy: ['name DESC'] })).toEqual(['wine-white', 'wine-red', 'Beer']);
    expect(await search({ filter, orderBy: ['experiment_id'] })).toEqual(['wine-red', 'wine-white', 'Beer']);
    expect(await search({ filter, orderBy: ['attributes.creation_time ASC'] })).toEqual([
      'wine-red',
      'wine-white',
      'Beer',
    ]);
    expect(await search({ filter, orderBy: ['last_update_time DESC'] })).toEqual(['Beer', 'wine-white', 'wine-red']);
  });

  it('pages with signed tokens bound to the search', async () => {
    const { deps, search } = await fixture(await dialect.open());
    const all = await search({ orderBy: ['name'] });
    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await searchExperiments(deps, { orderBy: ['name'], maxResults: 2, pageToken });
      seen.push(...page.items.map((experiment) => experiment.name));
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined);
    expect(seen).toEqual(all);
    const first = await searchExperiments(deps, { orderBy: ['name'], maxResults: 1 });
    const token = first.nextPageToken ?? '';
    await expect(searchExperiments(deps, { orderBy: ['name DESC'], pageToken: token })).rejects.toThrow(
      'Invalid page_token: it belongs to another search.',
    );
    await expect(searchRuns(deps, { experimentIds: ['0'], pageToken: token })).rejects.toThrow(
      'Invalid page_token: it is not one this server issued.',
    );
  });

  it('refuses what MLflow refuses', async () => {
    const { deps } = await fixture(await dialect.open());
    const refusal = (input: SearchExperimentsInput) =>
      searchExperiments(deps, input).then(
        () => undefined,
        (error: unknown) => (error instanceof SlipwayError ? `${error.code}: ${error.message}` : String(error)),
      );
    expect(await refusal({ filter: 'experiment_id = 1' })).toContain(
      "INVALID_PARAMETER_VALUE: Invalid filter 'experiment_id = 1': invalid attribute key 'experiment_id'",
    );
    expect(await refusal({ filter: 'metrics.acc > 1' })).toContain("invalid entity type 'metrics'");
    expect(await refusal({ orderBy: ['tags.team'] })).toContain("experiments cannot be ordered by 'tags.team'");
    expect(await refusal({ maxResults: 50_001 })).toContain("Invalid value 50001 for parameter 'max_results'");
  });
});
