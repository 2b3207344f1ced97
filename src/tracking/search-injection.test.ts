import { expect, it } from 'vitest';
import { SlipwayError } from '../domain/errors.js';
import { likePatternProblem } from '../domain/search/like-pattern.js';
import type { MetadataStore } from '../storage/metadata/open-metadata.js';
import { forEachDialect } from '../storage/metadata/testing/for-each-dialect.js';
import { seedRuns, tableCounts } from './search/testing/seed-runs.js';
import { searchExperiments } from './search-experiments.js';
import { searchRuns } from './search-runs.js';

/** Payloads that break string-built SQL. Each must find nothing (it is data) or be refused (it is not a filter). */
const VALUES = [
  "x' OR '1'='1",
  "'; DROP TABLE runs; --",
  "%' OR 1=1 --",
  "a'); DELETE FROM params; --",
  '\\',
  "\\'",
  "' UNION SELECT * FROM store_keys --",
  '"; DROP TABLE runs; --',
  '$1',
  '?',
  '* [ ] ?',
];

const KEYS = ["x'; DROP TABLE runs; --", 'a) or (1=1', 'k" = "k', 'run_uuid = run_uuid --'];

const FILTERS = [
  "params.model = 'rf'; DROP TABLE runs",
  "params.model = 'rf' OR 1=1",
  "params.model = 'rf' -- comment",
  "params.model = 'rf' /* c */",
  '1=1',
  "attributes.status = 'FINISHED' UNION SELECT 1",
  'metrics.acc > (SELECT 1)',
  'run_id IN (SELECT run_uuid FROM runs)',
  "tags.x = 'a' AND 1",
];

const ORDERS = [
  'metrics.acc; DROP TABLE runs',
  'params.x DESC, (SELECT 1)',
  '(select 1)',
  'metrics.acc DESC NULLS FIRST',
  "attributes.start_time ' DESC",
];

const quote = (value: string) => `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;

const outcome = (work: Promise<{ items: readonly unknown[] }>) =>
  work.then(
    (page) => `found ${page.items.length}`,
    (error: unknown) => (error instanceof SlipwayError ? error.code : `crash: ${String(error)}`),
  );

/** What a comparison of the victim's param with a hostile value must give: data, never SQL. */
function expectedFor(op: string, value: string): string {
  if (op.endsWith('LIKE') && likePatternProblem(value) !== undefined) return 'INVALID_PARAMETER_VALUE';
  return op === '!=' ? 'found 1' : 'found 0';
}

forEachDialect('search resists SQL injection', (dialect) => {
  /** A store with one run; checks after `work` that no table changed. */
  async function unchangedAfter(work: (deps: { metadata: MetadataStore }) => Promise<void>): Promise<void> {
    const store = await dialect.open();
    const deps = { metadata: store };
    await seedRuns(deps, [{ name: 'victim', params: { model: 'rf' }, tags: { team: 'ml' }, metrics: { acc: 1 } }]);
    const before = await tableCounts(deps);
    await work(deps);
    expect(await tableCounts(deps)).toEqual(before);
  }

  it('treats hostile values as data', async () => {
    await unchangedAfter(async (deps) => {
      for (const value of VALUES) {
        for (const op of ['=', '!=', 'LIKE', 'ILIKE']) {
          const filter = `params.model ${op} ${quote(value)}`;
          expect(await outcome(searchRuns(deps, { experimentIds: ['0'], filter })), filter).toBe(
            expectedFor(op, value),
          );
        }
        const listed = await outcome(searchRuns(deps, { experimentIds: ['0'], filter: `run_id IN (${quote(value)})` }));
        expect(listed, value).toBe('found 0');
        expect(await outcome(searchExperiments(deps, { filter: `name = ${quote(value)}` })), value).toBe('found 0');
      }
    });
  });

  it('treats hostile keys as data', async () => {
    await unchangedAfter(async (deps) => {
      for (const key of KEYS) {
        const name = `\`${key.replaceAll('`', '``')}\``;
        const filtered = await outcome(searchRuns(deps, { experimentIds: ['0'], filter: `tags.${name} = 'ml'` }));
        expect(filtered, key).toBe('found 0');
        const ordered = await outcome(searchRuns(deps, { experimentIds: ['0'], orderBy: [`metrics.${name} DESC`] }));
        expect(ordered, key).toBe('found 1');
      }
    });
  });

  it('refuses hostile syntax in filters and order_by', async () => {
    await unchangedAfter(async (deps) => {
      for (const filter of FILTERS) {
        expect(await outcome(searchRuns(deps, { experimentIds: ['0'], filter })), filter).toBe(
          'INVALID_PARAMETER_VALUE',
        );
      }
      for (const order of ORDERS) {
        const answer = await outcome(searchRuns(deps, { experimentIds: ['0'], orderBy: [order] }));
        expect(answer, order).toBe('INVALID_PARAMETER_VALUE');
      }
    });
  });
});
