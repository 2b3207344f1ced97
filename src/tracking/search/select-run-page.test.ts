import { expect, it } from 'vitest';
import type { FilterClause, OrderByTerm } from '../../domain/search/filter-ast.js';
import { parseFilter } from '../../domain/search/parse-filter.js';
import { parseOrderByList } from '../../domain/search/parse-order-by.js';
import { RUN_SEARCH_GRAMMAR } from '../../domain/search/run-search-grammar.js';
import { forEachDialect } from '../../storage/metadata/testing/for-each-dialect.js';
import { type RunPageQuery, type RunPlan, selectRunPage } from './select-run-page.js';
import { type SeedRun, seedRuns } from './testing/seed-runs.js';

/** 24 runs with repeated start times and metric values, NaN and missing metrics: many ties to break. */
function runsWithTies(): SeedRun[] {
  return Array.from({ length: 24 }, (_, i) => {
    const acc = i % 6 === 0 ? undefined : i % 5 === 0 ? Number.NaN : (i % 4) / 4;
    return {
      name: `r${i}`,
      startTime: 1000 + (i % 7),
      metrics: { ...(acc === undefined ? {} : { acc }), loss: i % 3 },
      params: { group: `g${i % 3}` },
      tags: i % 2 === 0 ? { even: 'yes' } : ({} as Record<string, string>),
    };
  });
}

const ORDERS = [
  ['metrics.acc DESC'],
  ['metrics.acc'],
  ['metrics.acc DESC', 'params.group'],
  ['metrics.acc', 'metrics.loss DESC', 'attributes.start_time'],
  ['metrics.loss', 'tags.even DESC'],
];

const FILTERS = ['', "params.group != 'g1'", "metrics.loss < 2 and tags.even = 'yes'", 'metrics.acc >= 0.5'];
const PLANS: RunPlan[] = ['metric-index', 'candidates'];

forEachDialect('selectRunPage', (dialect) => {
  it('gives the same order and pages with every plan', async () => {
    const store = await dialect.open();
    const ids = await seedRuns({ metadata: store }, runsWithTies());
    const names = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
    const page = async (query: Omit<RunPageQuery, 'experimentIds' | 'stages'>) =>
      (await selectRunPage(store.db, store.dialect, { experimentIds: [0], stages: ['active'], ...query })).map((row) =>
        names.get(row.run_uuid),
      );
    for (const order of ORDERS) {
      for (const filter of FILTERS) {
        const clauses: FilterClause[] = parseFilter(filter, RUN_SEARCH_GRAMMAR);
        const orderBy: OrderByTerm[] = parseOrderByList(order, RUN_SEARCH_GRAMMAR);
        const base = { clauses, orderBy };
        const sorted = await page({ ...base, offset: 0, limit: 100, plan: 'sorted' });
        for (const plan of PLANS) {
          const label = `${order} / ${filter} / ${plan}`;
          expect(await page({ ...base, offset: 0, limit: 100, plan }), label).toEqual(sorted);
          for (const [offset, limit] of [
            [0, 5],
            [3, 7],
            [17, 4],
            [40, 5],
          ] as const) {
            const slice = await page({ ...base, offset, limit, plan });
            expect(slice, `${label} / ${offset}+${limit}`).toEqual(sorted.slice(offset, offset + limit));
          }
        }
      }
    }
  });

  it('finds nothing without experiments, stages or room', async () => {
    const store = await dialect.open();
    await seedRuns({ metadata: store }, runsWithTies().slice(0, 2));
    const query = { experimentIds: [0], stages: ['active'] as const, clauses: [], orderBy: [], offset: 0, limit: 10 };
    expect(await selectRunPage(store.db, store.dialect, query)).toHaveLength(2);
    expect(await selectRunPage(store.db, store.dialect, { ...query, experimentIds: [] })).toEqual([]);
    expect(await selectRunPage(store.db, store.dialect, { ...query, stages: [] })).toEqual([]);
    expect(await selectRunPage(store.db, store.dialect, { ...query, limit: 0 })).toEqual([]);
  });
});
