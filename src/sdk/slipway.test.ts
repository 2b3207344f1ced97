import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getArtifact } from '../artifacts/get-artifact.js';
import { artifactRootOf } from '../artifacts/run-artifact-root.js';
import { listenApp } from '../client/testing/listening-app.js';
import { initWorkspace } from '../data/init.js';
import { add } from '../data/sdk.js';
import { joinArtifactPath, parseArtifactPath } from '../domain/artifact-path.js';
import { openMetadata } from '../storage/metadata/open-metadata.js';
import { type DialectUnderTest, forEachDialect } from '../storage/metadata/testing/for-each-dialect.js';
import { openObjectStore } from '../storage/objects/registry.js';
import { rejectsWithCode } from '../tracking/tracking-client.contract.js';
import type { Metric } from '../tracking/types.js';
import { Slipway } from './slipway.js';

interface Setup {
  readonly trackingUri: string;
  readonly objectsUri: string;
  readonly readArtifact: (artifactUri: string, path: string) => Promise<string>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-sdk-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function directSetup(dialect: DialectUnderTest): Promise<Setup> {
  const trackingUri = await dialect.freshUri();
  const objectsUri = join(await tempDir(), 'objects');
  const readArtifact = async (artifactUri: string, path: string) => {
    const metadata = await openMetadata(trackingUri);
    const objects = await openObjectStore(objectsUri);
    try {
      const full = joinArtifactPath('path', artifactRootOf(artifactUri), parseArtifactPath(path));
      return await text((await getArtifact({ metadata, objects }, full)).body);
    } finally {
      await objects.close();
      await metadata.close();
    }
  };
  return { trackingUri, objectsUri, readArtifact };
}

async function serverSetup(dialect: DialectUnderTest): Promise<Setup> {
  // Opened and closed here: the dialect's own cleanup runs before this file's afterEach ends the open runs.
  const metadata = await openMetadata(await dialect.freshUri());
  const objects = await openObjectStore('memory://');
  const server = await listenApp(metadata, objects);
  cleanups.push(async () => {
    await server.close();
    await objects.close();
    await metadata.close();
  });
  const readArtifact = async (artifactUri: string, path: string) => {
    const root = artifactRootOf(artifactUri);
    const response = await fetch(`${server.baseUrl}/api/2.0/mlflow-artifacts/artifacts/${root}/${path}`);
    return response.text();
  };
  return { trackingUri: server.baseUrl, objectsUri: 'memory://', readArtifact };
}

async function history(slipway: Slipway, runId: string, metricKey: string): Promise<Metric[]> {
  return [...(await slipway.client.getMetricHistory({ runId, metricKey })).items];
}

function describeSdk(kind: string, setup: () => Promise<Setup>) {
  describe(`Slipway SDK over ${kind}`, () => {
    const connect = async (options: { maxBatch?: number } = {}) => {
      const { trackingUri, objectsUri, readArtifact } = await setup();
      const slipway = await Slipway.connect({ trackingUri, objectsUri, metrics: { maxBatch: options.maxBatch } });
      cleanups.push(() => slipway.close());
      return { slipway, readArtifact };
    };

    it('creates the experiment, records lineage, and delivers a loop of metrics complete and in order', async () => {
      const { slipway } = await connect({ maxBatch: 7 });
      const run = await slipway.startRun({ experiment: 'wine', name: 'first', tags: { team: 'ml' } });
      await run.logParams({ lr: 0.1, depth: 3 });
      for (let step = 0; step < 50; step += 1) run.logMetrics({ loss: 1 / (step + 1), acc: step / 50 }, { step });
      await run.end();
      const stored = await slipway.client.getRun(run.id);
      expect(stored.info).toMatchObject({ runName: 'first', status: 'FINISHED' });
      expect(stored.info.endTime).not.toBeNull();
      const tags = Object.fromEntries(stored.data.tags.map((tag) => [tag.key, tag.value]));
      expect(tags).toMatchObject({ team: 'ml', 'slipway.env.node': process.version, 'mlflow.source.type': 'LOCAL' });
      expect(tags['slipway.git.commit']).toMatch(/^[0-9a-f]{40}$/);
      expect(stored.data.params).toEqual(expect.arrayContaining([{ key: 'lr', value: '0.1' }]));
      const loss = await history(slipway, run.id, 'loss');
      expect(loss.map((metric) => metric.step)).toEqual(Array.from({ length: 50 }, (_, step) => step));
      expect(loss.at(-1)?.value).toBe(1 / 50);
      expect((await slipway.startRun({ experiment: 'wine' })).info.experimentId).toBe(run.info.experimentId);
    });

    it('uploads files and folders as artifacts and records dataset inputs', async () => {
      const { slipway, readArtifact } = await connect();
      const dir = await tempDir();
      await writeFile(join(dir, 'notes.txt'), 'hello');
      const run = await slipway.startRun({ experiment: 'artifacts' });
      await run.logArtifact(join(dir, 'notes.txt'), 'docs');
      await run.logArtifact(dir);
      await run.logInput({ name: 'wine', digest: 'd1', source: 'data/wine.csv', context: 'training' });
      await run.end({ status: 'FAILED' });
      expect(await readArtifact(run.info.artifactUri, 'docs/notes.txt')).toBe('hello');
      const folder = dir.split('/').at(-1) ?? '';
      expect(await readArtifact(run.info.artifactUri, `${folder}/notes.txt`)).toBe('hello');
      const stored = await slipway.client.getRun(run.id);
      expect(stored.info.status).toBe('FAILED');
      expect(stored.inputs.datasetInputs[0]?.dataset).toMatchObject({ name: 'wine', sourceType: 'local' });
    });

    it('flushes and ends the runs left open when the event loop empties (beforeExit)', async () => {
      const { slipway } = await connect();
      const run = await slipway.startRun({ experiment: 'exit' });
      run.logMetric('m', 1, { step: 3 });
      process.emit('beforeExit', 0);
      await vi.waitFor(async () => expect((await slipway.client.getRun(run.id)).info.status).toBe('FINISHED'));
      expect((await history(slipway, run.id, 'm')).map((metric) => metric.step)).toEqual([3]);
      expect(run.ended).toBe(true);
    });

    it('adopts the run named by SLIPWAY_RUN_ID (as under `slipway runs start`) and leaves its status to its owner', async () => {
      const { trackingUri, objectsUri } = await setup();
      const owner = await Slipway.connect({ trackingUri, objectsUri, lineage: false });
      const started = await owner.startRun({ experiment: 'owned' });
      const env = { SLIPWAY_RUN_ID: started.id, SLIPWAY_TRACKING_URI: trackingUri };
      const child = await Slipway.connect({ objectsUri, env, cwd: await tempDir() });
      const run = await child.startRun({ experiment: 'ignored', tags: { stage: 'child' } });
      expect([run.id, run.adopted]).toEqual([started.id, true]);
      run.logMetric('loss', 0.5, { step: 1 });
      await child.close();
      const seen = await owner.client.getRun(started.id);
      expect(seen.info.status).toBe('RUNNING');
      expect(seen.data.metrics.map((m) => [m.key, m.value])).toEqual([['loss', 0.5]]);
      expect(seen.data.tags).toEqual(expect.arrayContaining([{ key: 'stage', value: 'child' }]));
      await expect(owner.client.getExperimentByName('ignored')).rejects.toMatchObject({
        code: 'RESOURCE_DOES_NOT_EXIST',
      });
      await owner.close({ status: 'FINISHED' });
    });

    it('surfaces a failed background batch on the next call and at end()', async () => {
      const { slipway } = await connect({ maxBatch: 2 });
      const run = await slipway.startRun({ experiment: 'errors' });
      await slipway.client.deleteRun(run.id);
      run.logMetric('m', 1);
      run.logMetric('m', 2);
      await rejectsWithCode(run.flush(), 'INVALID_PARAMETER_VALUE');
      run.logMetric('m', 3);
      await rejectsWithCode(run.end(), 'INVALID_PARAMETER_VALUE');
      expect(() => run.logMetric('m', 4)).toThrow(/has ended/);
    });
  });
}

forEachDialect('Slipway SDK', (dialect) => {
  describeSdk('a direct SQL tracking URI', () => directSetup(dialect));
  describeSdk('a tracking server', () => serverSetup(dialect));
});

describe('Slipway SDK in a data workspace', () => {
  it('records the data the workspace tracks as the run’s inputs, by content digest', async () => {
    const dir = await tempDir();
    await initWorkspace({ cwd: dir, noScm: true });
    await writeFile(join(dir, 'wine.csv'), 'a,b\n1,2\n');
    const added = await add(['wine.csv'], { cwd: dir, env: {}, homeDir: join(dir, 'home') });
    const digest = added.targets[0]?.digest;
    const trackingUri = `sqlite://${join(dir, 'runs.db')}`;
    const slipway = await Slipway.connect({ trackingUri, objectsUri: join(dir, 'objects'), cwd: dir, env: {} });
    try {
      const run = await slipway.startRun({ experiment: 'data' });
      const inputs = (await slipway.client.getRun(run.id)).inputs.datasetInputs;
      expect(inputs).toHaveLength(1);
      expect(inputs[0]?.tags).toEqual([{ key: 'mlflow.data.context', value: 'workspace' }]);
      expect(inputs[0]?.dataset).toMatchObject({ name: 'wine.csv', sourceType: 'slipway' });
      expect(JSON.parse(inputs[0]?.dataset.source ?? '{}')).toMatchObject({ path: 'wine.csv', digest, size: 8 });
      await run.end();
    } finally {
      await slipway.close();
    }
  });
});
