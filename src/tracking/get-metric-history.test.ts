import { expect, it } from 'vitest';
import { SlipwayError } from '../domain/errors.js';
import { forEachDialect } from '../storage/metadata/testing/for-each-dialect.js';
import { createRun } from './create-run.js';
import { getMetricHistory } from './get-metric-history.js';
import { logBatch } from './log-batch.js';
import type { Metric, TrackingDeps } from './types.js';

async function readAll(
  deps: TrackingDeps,
  runId: string,
  maxResults: number,
): Promise<{ items: Metric[]; pages: number }> {
  const items: Metric[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  do {
    const page = await getMetricHistory(deps, { runId, metricKey: 'm', maxResults, pageToken });
    items.push(...page.items);
    pageToken = page.nextPageToken;
    pages++;
  } while (pageToken !== undefined);
  return { items, pages };
}

forEachDialect('getMetricHistory', ({ open }) => {
  it('pages through ties, NaN and infinities without losing or repeating a point', async () => {
    const deps = { metadata: await open() };
    const runId = (await createRun(deps, {})).info.runId;
    const values = [Number.NEGATIVE_INFINITY, -1, 0, Number.NaN, 0.5, Number.POSITIVE_INFINITY];
    const points = [0, 1].flatMap((step) =>
      [5, 6].flatMap((timestamp) => values.map((value) => ({ key: 'm', value, timestamp, step }))),
    );
    await logBatch(deps, { runId, metrics: points });
    const expected = [...points].sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
    for (const size of [1, 2, 5, 24, 25]) {
      const { items, pages } = await readAll(deps, runId, size);
      expect(items).toHaveLength(24);
      expect(pages).toBe(Math.ceil(24 / size));
      expect(new Set(items.map((p) => `${p.step}/${p.timestamp}/${p.value}`)).size).toBe(24);
      expect(items.map((p) => [p.step, p.timestamp])).toEqual(expected.map((p) => [p.step, p.timestamp]));
    }
  });

  it('reads a history larger than one default page in 25,000-point pages', async () => {
    const deps = { metadata: await open() };
    const runId = (await createRun(deps, {})).info.runId;
    for (let batch = 0; batch < 26; batch++) {
      const metrics = Array.from({ length: 1000 }, (_, i) => ({
        key: 'm',
        value: i,
        timestamp: 1,
        step: batch * 1000 + i,
      }));
      await logBatch(deps, { runId, metrics });
    }
    const first = await getMetricHistory(deps, { runId, metricKey: 'm' });
    expect(first.items).toHaveLength(25_000);
    const second = await getMetricHistory(deps, { runId, metricKey: 'm', pageToken: first.nextPageToken });
    expect(second.items.map((p) => p.step)).toEqual(Array.from({ length: 1000 }, (_, i) => 25_000 + i));
    expect(second.nextPageToken).toBeUndefined();
  });

  it('refuses a token from another store (another key)', async () => {
    const a = { metadata: await open() };
    const b = { metadata: await open() };
    const runId = (await createRun(a, {})).info.runId;
    const metrics = [1, 2].map((step) => ({ key: 'm', value: 1, timestamp: 1, step }));
    await logBatch(a, { runId, metrics });
    const token = (await getMetricHistory(a, { runId, metricKey: 'm', maxResults: 1 })).nextPageToken;
    expect(token).toBeDefined();
    await b.metadata.db
      .insertInto('runs')
      .values({
        run_uuid: runId,
        experiment_id: 0,
        name: 'copy',
        user_id: '',
        status: 'RUNNING',
        start_time: 0,
        end_time: null,
        lifecycle_stage: 'active',
        artifact_uri: 'x',
        deleted_time: null,
      })
      .execute();
    const error = await getMetricHistory(b, { runId, metricKey: 'm', pageToken: token }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlipwayError);
    expect((error as SlipwayError).code).toBe('INVALID_PARAMETER_VALUE');
  });
});
