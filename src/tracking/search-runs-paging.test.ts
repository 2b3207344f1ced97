import { expect, it } from 'vitest';
import { SlipwayError } from '../domain/errors.js';
import { signPageToken } from '../lib/page-token.js';
import { forEachDialect } from '../storage/metadata/testing/for-each-dialect.js';
import { type SeedRun, seedRuns } from './search/testing/seed-runs.js';
import { type SearchRunsInput, searchRuns } from './search-runs.js';

const RUNS: SeedRun[] = Array.from({ length: 11 }, (_, i) => ({
  name: `run-${String(i).padStart(2, '0')}`,
  startTime: 1000 + (i % 4),
  metrics: i % 5 === 4 ? ({} as Record<string, number>) : { acc: (i % 3) / 2 },
}));

async function collect(deps: Parameters<typeof searchRuns>[0], input: SearchRunsInput) {
  const ids: string[] = [];
  const tokens: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = await searchRuns(deps, { ...input, pageToken });
    expect(page.items.length).toBeLessThanOrEqual(input.maxResults ?? 1000);
    ids.push(...page.items.map((run) => run.info.runId));
    pageToken = page.nextPageToken;
    if (pageToken) tokens.push(pageToken);
  } while (pageToken !== undefined);
  return { ids, tokens };
}

const refusal = (work: Promise<unknown>) =>
  work.then(
    () => 'accepted',
    (error: unknown) => (error instanceof SlipwayError ? `${error.code}: ${error.message}` : `crash: ${String(error)}`),
  );

forEachDialect('searchRuns paging', (dialect) => {
  it('pages through every run exactly once, for any page size and order', async () => {
    const store = await dialect.open();
    const deps = { metadata: store };
    await seedRuns(deps, RUNS);
    for (const orderBy of [[], ['metrics.acc DESC'], ['metrics.acc', 'attributes.run_name DESC']]) {
      const all = (await searchRuns(deps, { experimentIds: ['0'], orderBy })).items.map((run) => run.info.runId);
      expect(all).toHaveLength(RUNS.length);
      for (const maxResults of [1, 2, 3, 5, 11, 12]) {
        const { ids, tokens } = await collect(deps, { experimentIds: ['0'], orderBy, maxResults });
        expect(ids, `${orderBy} by ${maxResults}`).toEqual(all);
        expect(tokens).toHaveLength(Math.ceil(RUNS.length / maxResults) - 1);
      }
    }
  });

  it('refuses forged, altered, foreign and malformed tokens with 400s that echo nothing', async () => {
    const store = await dialect.open();
    const deps = { metadata: store };
    await seedRuns(deps, RUNS);
    const input: SearchRunsInput = { experimentIds: ['0'], filter: 'metrics.acc >= 0', maxResults: 2 };
    const token = (await searchRuns(deps, input)).nextPageToken ?? '';
    expect(await refusal(searchRuns(deps, { ...input, pageToken: token }))).toBe('accepted');
    const [body, signature] = token.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ o: 0, q: 'x' })).toString('base64url');
    const cases: Array<[string, SearchRunsInput, string]> = [
      ['forged body', { ...input, pageToken: `${forgedBody}.${signature}` }, 'it is not one this server issued'],
      [
        'foreign key',
        { ...input, pageToken: signPageToken(Buffer.alloc(32, 1), 'search-runs', { o: 2, q: 'x' }) },
        'it is not one this server issued',
      ],
      [
        'altered signature',
        { ...input, pageToken: `${body}.${signature?.slice(0, -2)}AA` },
        'it is not one this server issued',
      ],
      ['another filter', { ...input, filter: 'metrics.acc > 0', pageToken: token }, 'it belongs to another search'],
      ['another order', { ...input, orderBy: ['metrics.acc'], pageToken: token }, 'it belongs to another search'],
      ['another experiment', { ...input, experimentIds: ['0', '1'], pageToken: token }, 'it belongs to another search'],
      ['garbage', { ...input, pageToken: "' or 1=1 --" }, 'it is malformed'],
      ['huge', { ...input, pageToken: 'a'.repeat(100_000) }, 'it is too long'],
      ['mlflow style', { ...input, pageToken: Buffer.from('{"offset": 2}').toString('base64') }, 'it is malformed'],
    ];
    for (const [what, bad, why] of cases) {
      const answer = await refusal(searchRuns(deps, bad));
      expect(answer, what).toBe(`INVALID_PARAMETER_VALUE: Invalid page_token: ${why}.`);
    }
  });

  it('an equivalent filter continues the same search', async () => {
    const store = await dialect.open();
    const deps = { metadata: store };
    await seedRuns(deps, RUNS);
    const first = await searchRuns(deps, { experimentIds: ['0'], filter: 'metrics.acc >= 0', maxResults: 2 });
    const next = await searchRuns(deps, {
      experimentIds: ['0'],
      filter: 'metric.`acc`>=0.0',
      maxResults: 2,
      pageToken: first.nextPageToken,
    });
    expect(next.items).toHaveLength(2);
  });
});
