import { describe, expect, it } from 'vitest';
import { openMetadata } from '../../storage/metadata/open-metadata.js';
import { openObjectStore } from '../../storage/objects/registry.js';
import { createSqlTrackingClient } from '../sql-tracking-client.js';
import { describeTrackingClient, rejectsWithCode } from '../tracking-client.contract.js';
import type { TrackingClient } from '../tracking-client.js';
import { InMemoryTrackingClient } from './in-memory-tracking-client.js';

describeTrackingClient('in-memory fake', async () => {
  const client = new InMemoryTrackingClient();
  return { client, close: () => client.close() };
});

const T0 = 1_700_000_000_000;

/** The same runs, logged the same way through a client: NaN, missing metrics, ties broken by start time, datasets. */
async function seed(client: TrackingClient): Promise<string> {
  const { experimentId } = await client.createExperiment({ name: 'same' });
  for (let i = 0; i < 12; i++) {
    const run = await client.createRun({ experimentId, runName: `r${i}`, startTime: T0 + ((i * 7) % 12) });
    const acc = i % 5 === 0 ? Number.NaN : (i % 3) / 3;
    const metrics = [
      ...(i % 6 === 1 ? [] : [{ key: 'acc', value: acc, timestamp: T0, step: 0 }]),
      { key: 'loss', value: i % 4, timestamp: T0, step: 1 },
    ];
    const params = [{ key: 'group', value: `g${i % 3}` }];
    await client.logBatch({
      runId: run.info.runId,
      metrics,
      params,
      tags: [{ key: 'even', value: String(i % 2 === 0) }],
    });
    if (i % 4 === 0) {
      const dataset = { name: `wine${i % 8}`, digest: 'd1', sourceType: 'local', source: 'x' };
      await client.logInputs({
        runId: run.info.runId,
        datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset }],
      });
    }
    if (i === 11) await client.updateRun({ runId: run.info.runId, status: 'FINISHED', endTime: T0 + 99 });
    if (i === 10) await client.deleteRun(run.info.runId);
  }
  return experimentId;
}

const FILTERS = [
  '',
  'metrics.acc > 0.3',
  'metrics.acc != 0.5',
  "params.group = 'g1' and tags.even = 'true'",
  "params.group LIKE 'G%'",
  "params.group ILIKE 'G%'",
  "attributes.status = 'FINISHED'",
  "attributes.run_name LIKE 'r1%'",
  'attributes.end_time > 0',
  "datasets.name = 'wine4'",
  "datasets.context = 'train'",
];
const ORDERS = [
  [],
  ['metrics.acc DESC'],
  ['metrics.acc'],
  ['params.group', 'metrics.loss DESC'],
  ['attributes.start_time'],
];

describe('InMemoryTrackingClient matches the SQL client', () => {
  it('finds and orders the same runs for every filter, order and view', async () => {
    const sql = createSqlTrackingClient({
      metadata: await openMetadata('sqlite:///:memory:'),
      objects: await openObjectStore('memory://'),
    });
    const fake = new InMemoryTrackingClient();
    try {
      const [sqlExperiment, fakeExperiment] = [await seed(sql), await seed(fake)];
      for (const filter of FILTERS) {
        for (const orderBy of ORDERS) {
          for (const runViewType of ['ACTIVE_ONLY', 'ALL'] as const) {
            const names = async (client: TrackingClient, experimentId: string) =>
              (await client.searchRuns({ experimentIds: [experimentId], filter, orderBy, runViewType })).items.map(
                (run) => run.info.runName,
              );
            const label = `${filter} / ${orderBy} / ${runViewType}`;
            expect(await names(fake, fakeExperiment), label).toEqual(await names(sql, sqlExperiment));
          }
        }
      }
    } finally {
      await sql.close();
    }
  });

  it('pages searches and refuses a forged page token', async () => {
    const fake = new InMemoryTrackingClient();
    const experimentId = await seed(fake);
    const first = await fake.searchRuns({ experimentIds: [experimentId], maxResults: 5 });
    const second = await fake.searchRuns({
      experimentIds: [experimentId],
      maxResults: 5,
      pageToken: first.nextPageToken,
    });
    expect([first.items.length, second.items.length]).toEqual([5, 5]);
    expect(new Set([...first.items, ...second.items].map((run) => run.info.runId)).size).toBe(10);
    await rejectsWithCode(
      fake.searchRuns({ experimentIds: [experimentId], pageToken: 'forged' }),
      'INVALID_PARAMETER_VALUE',
    );
  });

  it('refuses a changed param and keeps the stored value', async () => {
    const fake = new InMemoryTrackingClient();
    const run = await fake.createRun({});
    await fake.logBatch({ runId: run.info.runId, params: [{ key: 'lr', value: '0.1' }] });
    await fake.logBatch({ runId: run.info.runId, params: [{ key: 'lr', value: '0.1' }] });
    await rejectsWithCode(
      fake.logBatch({ runId: run.info.runId, params: [{ key: 'lr', value: '0.2' }] }),
      'INVALID_PARAMETER_VALUE',
    );
    expect((await fake.getRun(run.info.runId)).data.params).toEqual([{ key: 'lr', value: '0.1' }]);
  });
});
