import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { SlipwayError } from '../domain/errors.js';
import type { TrackingClient } from './tracking-client.js';

/** What a contract test gets: a fresh client on an empty store, and how to release everything behind it. */
export interface ClientUnderTest {
  readonly client: TrackingClient;
  close(): Promise<void>;
}

/** Awaits a promise that must reject with a SlipwayError of this code; returns the error. */
export async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<SlipwayError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected ${code}`).toMatchObject({ name: 'SlipwayError', code });
  return error as SlipwayError;
}

const T0 = 1_700_000_000_000;

/** The suite every TrackingClient implementation passes (the SQL client on each dialect, the HTTP client). */
export function describeTrackingClient(name: string, make: () => Promise<ClientUnderTest>): void {
  describe(`TrackingClient contract: ${name}`, () => {
    const opened: ClientUnderTest[] = [];
    afterEach(async () => {
      for (const entry of opened.splice(0)) await entry.close();
    });
    const open = async () => {
      const entry = await make();
      opened.push(entry);
      return entry.client;
    };
    const newRun = async (client: TrackingClient, experiment = 'contract') => {
      const { experimentId } = await client.createExperiment({ name: experiment });
      return client.createRun({ experimentId, runName: 'r1', startTime: T0, tags: [{ key: 'team', value: 'ml' }] });
    };

    it('creates an experiment and finds it by name; duplicates and unknown names fail with their codes', async () => {
      const client = await open();
      const { experimentId } = await client.createExperiment({ name: 'wine', tags: [{ key: 'k', value: 'v' }] });
      const found = await client.getExperimentByName('wine');
      expect(found).toMatchObject({
        experimentId,
        name: 'wine',
        lifecycleStage: 'active',
        tags: [{ key: 'k', value: 'v' }],
      });
      await rejectsWithCode(client.createExperiment({ name: 'wine' }), 'RESOURCE_ALREADY_EXISTS');
      await rejectsWithCode(client.getExperimentByName('nope'), 'RESOURCE_DOES_NOT_EXIST');
      await client.deleteExperiment(experimentId);
      expect((await client.getExperimentByName('wine')).lifecycleStage).toBe('deleted');
      const active = await client.searchExperiments({ filter: "name = 'wine'" });
      expect(active.items).toEqual([]);
    });

    it('creates a run, logs a batch with NaN and infinities, and reads it back', async () => {
      const client = await open();
      const run = await newRun(client);
      expect(run.info).toMatchObject({ runName: 'r1', status: 'RUNNING', startTime: T0, endTime: null });
      const metrics = [
        { key: 'loss', value: 0.5, timestamp: T0, step: 0 },
        { key: 'loss', value: Number.NaN, timestamp: T0 + 1, step: 1 },
        { key: 'up', value: Number.POSITIVE_INFINITY, timestamp: T0, step: 0 },
        { key: 'down', value: Number.NEGATIVE_INFINITY, timestamp: T0, step: 0 },
      ];
      await client.logBatch({ runId: run.info.runId, metrics, params: [{ key: 'lr', value: '0.1' }] });
      const got = await client.getRun(run.info.runId);
      const latest = Object.fromEntries(got.data.metrics.map((m) => [m.key, m.value]));
      expect(latest).toEqual({ loss: Number.NaN, up: Number.POSITIVE_INFINITY, down: Number.NEGATIVE_INFINITY });
      expect(got.data.params).toEqual([{ key: 'lr', value: '0.1' }]);
      expect(got.data.tags).toEqual(expect.arrayContaining([{ key: 'team', value: 'ml' }]));
    });

    it('pages a metric history in step order', async () => {
      const client = await open();
      const { runId } = (await newRun(client)).info;
      const metrics = [2, 0, 1].map((step) => ({ key: 'acc', value: step / 10, timestamp: T0 + step, step }));
      await client.logBatch({ runId, metrics });
      const first = await client.getMetricHistory({ runId, metricKey: 'acc', maxResults: 2 });
      expect(first.items.map((m) => m.step)).toEqual([0, 1]);
      const rest = await client.getMetricHistory({ runId, metricKey: 'acc', pageToken: first.nextPageToken });
      expect(rest).toEqual({ items: [{ key: 'acc', value: 0.2, timestamp: T0 + 2, step: 2 }] });
    });

    it('updates status and end time, sets tags, records inputs', async () => {
      const client = await open();
      const { runId } = (await newRun(client)).info;
      await client.setTag({ runId, key: 'stage', value: 'train' });
      const dataset = { name: 'wine', digest: 'abc123', sourceType: 'local', source: 'data/wine.csv' };
      await client.logInputs({
        runId,
        datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset }],
      });
      const info = await client.updateRun({ runId, status: 'FINISHED', endTime: T0 + 10 });
      expect(info).toMatchObject({ runId, status: 'FINISHED', endTime: T0 + 10 });
      const run = await client.getRun(runId);
      expect(run.data.tags).toEqual(expect.arrayContaining([{ key: 'stage', value: 'train' }]));
      expect(run.inputs.datasetInputs).toEqual([{ tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset }]);
    });

    it('searches runs with a filter and an order', async () => {
      const client = await open();
      const { experimentId } = await client.createExperiment({ name: 'search' });
      for (const [name, acc] of [
        ['a', 0.7],
        ['b', 0.9],
        ['c', 0.8],
      ] as const) {
        const run = await client.createRun({ experimentId, runName: name, startTime: T0 });
        await client.logBatch({ runId: run.info.runId, metrics: [{ key: 'acc', value: acc, timestamp: T0, step: 0 }] });
      }
      const found = await client.searchRuns({
        experimentIds: [experimentId],
        filter: 'metrics.acc > 0.75',
        orderBy: ['metrics.acc DESC'],
      });
      expect(found.items.map((run) => run.info.runName)).toEqual(['b', 'c']);
    });

    it('stores an artifact under the run; refuses a traversing path', async () => {
      const client = await open();
      const { artifactUri } = (await newRun(client)).info;
      await client.putArtifact({ artifactUri, path: 'model/notes.txt', body: Readable.from([Buffer.from('hi')]) });
      await rejectsWithCode(
        client.putArtifact({ artifactUri, path: '../escape.txt', body: Readable.from([Buffer.from('x')]) }),
        'INVALID_PARAMETER_VALUE',
      );
    });

    it('fails with the use cases codes: unknown run, deleted run, oversized batch', async () => {
      const client = await open();
      await rejectsWithCode(client.getRun('0'.repeat(32)), 'RESOURCE_DOES_NOT_EXIST');
      const { runId } = (await newRun(client)).info;
      const metrics = Array.from({ length: 1001 }, (_, step) => ({ key: 'm', value: 1, timestamp: T0, step }));
      await rejectsWithCode(client.logBatch({ runId, metrics }), 'INVALID_PARAMETER_VALUE');
      await client.deleteRun(runId);
      const error = await rejectsWithCode(client.setTag({ runId, key: 'k', value: 'v' }), 'INVALID_PARAMETER_VALUE');
      expect(error.message).toContain(runId);
    });
  });
}
