import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpTrackingClient } from '../../client/http-tracking-client.js';
import { listenApp } from '../../client/testing/listening-app.js';
import { openMetadata } from '../../storage/metadata/open-metadata.js';
import { type DialectUnderTest, forEachDialect } from '../../storage/metadata/testing/for-each-dialect.js';
import { openObjectStore } from '../../storage/objects/registry.js';
import { createSqlTrackingClient } from '../../tracking/sql-tracking-client.js';
import type { TrackingClient } from '../../tracking/tracking-client.js';
import type { CommandModule, CommandTable } from '../cli-context.js';
import { runCli } from '../run-cli.js';
import { captureCli } from '../testing/capture-cli.js';
import { experimentsCommand } from './experiments-command.js';
import { runsCommand } from './runs-command.js';

const entry = (module: CommandModule) => ({ summary: '', load: async () => module });
const COMMANDS: CommandTable = { experiments: entry(experimentsCommand), runs: entry(runsCommand) };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Place {
  readonly trackingUri: string;
  /** A client on the same store, to arrange and check. */
  readonly client: TrackingClient;
  readonly dir: string;
}

async function directPlace(dialect: DialectUnderTest): Promise<Place> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-runs-cli-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const trackingUri = await dialect.freshUri();
  const client = createSqlTrackingClient({
    metadata: await openMetadata(trackingUri),
    objects: await openObjectStore('memory://'),
  });
  cleanups.push(() => client.close());
  return { trackingUri, client, dir };
}

async function serverPlace(dialect: DialectUnderTest): Promise<Place> {
  const place = await directPlace(dialect);
  const metadata = await openMetadata(place.trackingUri);
  const objects = await openObjectStore('memory://');
  const server = await listenApp(metadata, objects);
  cleanups.push(async () => {
    await server.close();
    await objects.close();
    await metadata.close();
  });
  return { ...place, trackingUri: server.baseUrl, client: createHttpTrackingClient({ baseUrl: server.baseUrl }) };
}

async function cli(place: Place, ...args: string[]) {
  const end = args.indexOf('--');
  const uri = ['--tracking-uri', place.trackingUri];
  const argv = end === -1 ? [...args, ...uri] : [...args.slice(0, end), ...uri, ...args.slice(end)];
  return captureCli(COMMANDS, argv, { cwd: place.dir, homeDir: place.dir });
}

async function json<T>(place: Place, ...args: string[]): Promise<T> {
  const result = await cli(place, ...args, '--json');
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

const T0 = 1_700_000_000_000;

async function seed(client: TrackingClient): Promise<string[]> {
  const { experimentId } = await client.createExperiment({ name: 'wine' });
  const ids: string[] = [];
  for (const [name, acc, model] of [
    ['rf', 0.8, 'forest'],
    ['gb', 0.9, 'boost'],
  ] as const) {
    const { runId } = (await client.createRun({ experimentId, runName: name, startTime: T0 })).info;
    const metrics = [{ key: 'acc', value: acc, timestamp: T0, step: 0 }];
    await client.logBatch({ runId, metrics, params: [{ key: 'model', value: model }] });
    ids.push(runId);
  }
  return ids;
}

function describeCommands(kind: string, makePlace: () => Promise<Place>) {
  describe(`experiments and runs commands over ${kind}`, () => {
    it('creates, lists and deletes experiments', async () => {
      const place = await makePlace();
      const created = await json<{ experimentId: string }>(place, 'experiments', 'create', 'iris', '--tag', 'team=ml');
      const listed = await cli(place, 'experiments', 'list');
      expect(listed.stdout).toMatch(new RegExp(`^${created.experimentId}\\s+iris\\s+active`, 'm'));
      const again = await cli(place, 'experiments', 'create', 'iris');
      expect(again.code).not.toBe(0);
      expect(again.stderr).toContain('already exists');
      await json(place, 'experiments', 'delete', 'iris');
      const after = await json<{ experiments: { name: string }[] }>(place, 'experiments', 'list');
      expect(after.experiments.map((e) => e.name)).not.toContain('iris');
    });

    it('lists, searches, shows and compares runs', async () => {
      const place = await makePlace();
      const [rf, gb] = (await seed(place.client)) as [string, string];
      const listed = await cli(place, 'runs', 'list', '--experiment', 'wine');
      expect(listed.stdout).toContain(rf);
      expect(listed.stdout).toContain(gb);
      const found = await json<{ runs: { info: { runId: string } }[] }>(
        place,
        'runs',
        'search',
        '--filter',
        'metrics.acc > 0.85',
        '--order-by',
        'metrics.acc DESC',
      );
      expect(found.runs.map((run) => run.info.runId)).toEqual([gb]);
      const shown = await cli(place, 'runs', 'show', rf);
      expect(shown.stdout).toMatch(/Params:\n\s+model\s+forest/);
      const compared = await json<unknown>(place, 'runs', 'compare', rf, gb);
      expect(compared).toEqual({
        runs: [rf, gb],
        params: { model: ['forest', 'boost'] },
        metrics: { acc: [0.8, 0.9] },
      });
      const table = await cli(place, 'runs', 'compare', rf, gb);
      expect(table.stdout).toMatch(/metrics\.acc\s+0\.8\s+0\.9/);
    });

    it('runs start: runs a command in a run, gives it the run in its env, ends FINISHED or FAILED by exit code', async () => {
      const place = await makePlace();
      const script =
        'console.log(process.env.SLIPWAY_RUN_ID + " " + process.env.MLFLOW_TRACKING_URI); process.exit(Number(process.argv[1]))';
      const ok = await cli(
        place,
        'runs',
        'start',
        '--experiment',
        'jobs',
        '--name',
        'ok',
        '--',
        process.execPath,
        '-e',
        script,
        '0',
      );
      const [runId, uri] = ok.stdout.trim().split(' ') as [string, string];
      expect([ok.code, uri]).toEqual([0, place.trackingUri]);
      const run = await place.client.getRun(runId);
      expect(run.info).toMatchObject({ runName: 'ok', status: 'FINISHED' });
      expect(run.info.endTime).not.toBeNull();
      const tags = Object.fromEntries(run.data.tags.map((tag) => [tag.key, tag.value]));
      expect(tags['slipway.command']).toContain(`${process.execPath} -e`);
      expect(tags['slipway.env.node']).toBe(process.version);
      const failed = await cli(
        place,
        'runs',
        'start',
        '--experiment',
        'jobs',
        '--json',
        '--',
        process.execPath,
        '-e',
        script,
        '3',
      );
      expect(failed.code).toBe(3);
      const result = JSON.parse(failed.stdout.trim().split('\n').at(-1) ?? '') as { runId: string; status: string };
      expect(result).toMatchObject({ status: 'FAILED', exitCode: 3 });
      expect((await place.client.getRun(result.runId)).info.status).toBe('FAILED');
    });

    it('runs start: a command logging through the run id it was given lands in that run', async () => {
      const place = await makePlace();
      const script = [
        'const { SLIPWAY_RUN_ID: id, MLFLOW_TRACKING_URI: uri } = process.env;',
        "if (!uri.startsWith('http')) process.exit(0);",
        'const metrics = [{ key: "loss", value: 0.25, timestamp: 1, step: 7 }];',
        "await fetch(uri + '/api/2.0/mlflow/runs/log-batch', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ run_id: id, metrics }) });",
      ].join('\n');
      const started = await cli(
        place,
        'runs',
        'start',
        '--json',
        '--',
        process.execPath,
        '--input-type=module',
        '-e',
        script,
      );
      const { runId } = JSON.parse(started.stdout.trim()) as { runId: string };
      const run = await place.client.getRun(runId);
      expect(run.info.status).toBe('FINISHED');
      if (place.trackingUri.startsWith('http'))
        expect(run.data.metrics).toEqual([{ key: 'loss', value: 0.25, timestamp: 1, step: 7 }]);
    });

    it('runs start: SIGTERM is passed to the command and the run ends KILLED', async () => {
      const place = await makePlace();
      const script =
        'console.log("ready"); setInterval(() => {}, 1000); process.on("SIGTERM", () => process.exit(143));';
      const stdout = new PassThrough();
      let seen = '';
      stdout.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes('ready')) process.emit('SIGTERM', 'SIGTERM');
      });
      const argv = [
        'runs',
        'start',
        '--json',
        '--tracking-uri',
        place.trackingUri,
        '--',
        process.execPath,
        '-e',
        script,
      ];
      const options = { commands: COMMANDS, stdout, stderr: new PassThrough(), version: '0', env: {}, cwd: place.dir };
      const code = await runCli(argv, { ...options, homeDir: place.dir });
      const result = JSON.parse(seen.trim().split('\n').at(-1) ?? '') as { runId: string };
      expect(code).toBe(143);
      expect((await place.client.getRun(result.runId)).info.status).toBe('KILLED');
    });

    it('runs start: a command that cannot start fails the run and says so', async () => {
      const place = await makePlace();
      const missing = await cli(place, 'runs', 'start', '--experiment', 'jobs', '--', 'no-such-program-slipway');
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('Cannot run "no-such-program-slipway"');
      const runs = await json<{ runs: { info: { status: string } }[] }>(place, 'runs', 'list', '--experiment', 'jobs');
      expect(runs.runs.map((run) => run.info.status)).toEqual(['FAILED']);
    });

    it('reports an unknown run with its code and a bad filter as invalid', async () => {
      const place = await makePlace();
      const missing = await cli(place, 'runs', 'show', '0'.repeat(32), '--json');
      expect(missing.code).not.toBe(0);
      expect(JSON.parse(missing.stderr)).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
      await seed(place.client);
      const bad = await cli(place, 'runs', 'search', '--filter', 'metrics.acc >>> 1', '--json');
      expect(JSON.parse(bad.stderr)).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    });

    it('finds the store through SLIPWAY_TRACKING_URI when no --tracking-uri is given, the flag winning over it', async () => {
      const place = await makePlace();
      await seed(place.client);
      const env = { SLIPWAY_TRACKING_URI: place.trackingUri };
      const listed = await captureCli(COMMANDS, ['experiments', 'list', '--json'], {
        cwd: place.dir,
        homeDir: place.dir,
        env,
      });
      expect(listed.code).toBe(0);
      expect(
        (JSON.parse(listed.stdout) as { experiments: { name: string }[] }).experiments.map((e) => e.name),
      ).toContain('wine');
      const elsewhere = `sqlite:///${join(place.dir, 'other.db')}`;
      const flagged = await captureCli(COMMANDS, ['experiments', 'list', '--json', '--tracking-uri', elsewhere], {
        cwd: place.dir,
        homeDir: place.dir,
        env,
      });
      expect(
        (JSON.parse(flagged.stdout) as { experiments: { name: string }[] }).experiments.map((e) => e.name),
      ).not.toContain('wine');
    });
  });
}

forEachDialect('tracking CLI', (dialect) => {
  describeCommands('a direct URI', () => directPlace(dialect));
  describeCommands('a server', () => serverPlace(dialect));
});
