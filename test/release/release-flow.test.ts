import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandModule, CommandTable } from '../../src/cli/cli-context.js';
import { buildCommand } from '../../src/cli/commands/build-command.js';
import { deploymentsCommand } from '../../src/cli/commands/deployments-command.js';
import { initCommand } from '../../src/cli/commands/init-command.js';
import { modelsCommand } from '../../src/cli/commands/models-command.js';
import { promoteCommand, releaseCommand } from '../../src/cli/commands/release-command.js';
import { rollbackCommand } from '../../src/cli/commands/rollback-command.js';
import { captureCli } from '../../src/cli/testing/capture-cli.js';
import { loadConfig } from '../../src/config/load-config.js';
import { type Deployment, deploymentUrl } from '../../src/deploy/deployments/deployment-types.js';
import { serveArguments } from '../../src/deploy/local/default-child-command.js';
import { type RunningServer, startServer } from '../../src/server/main.js';
import { createServeLogger } from '../../src/serving/serve-main.js';

const run = promisify(execFile);
const REPO = join(import.meta.dirname, '../..');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const MAIN = join(REPO, 'src/cli/main.ts');
const WINES = join(REPO, 'examples/wine-quality/data/winequality-red.csv');
const ROW = [7.4, 0.7, 0.0, 1.9, 0.076, 11.0, 34.0, 0.9978, 3.51, 0.56, 9.4];
const COLUMNS = [
  'fixed_acidity',
  'volatile_acidity',
  'citric_acid',
  'residual_sugar',
  'chlorides',
  'free_sulfur_dioxide',
  'total_sulfur_dioxide',
  'density',
  'pH',
  'sulphates',
  'alcohol',
];

const entry = (module: CommandModule) => ({ summary: '', load: async () => module });
const COMMANDS: CommandTable = {
  init: entry(initCommand),
  release: entry(releaseCommand),
  promote: entry(promoteCommand),
  rollback: entry(rollbackCommand),
  deployments: entry(deploymentsCommand),
  models: entry(modelsCommand),
  build: entry(buildCommand),
};

/** The pipeline: one tracked stage training the wine model (the example's stage script), and the release sections. */
const pipelineYaml = (stagingPort: number, productionPort: number) => `schema: 1
experiment: wine-quality
stages:
  train:
    cmd: [${JSON.stringify(process.execPath)}, --import, ${JSON.stringify(TSX)}, ${JSON.stringify(join(REPO, 'examples/wine-quality/train-stage.ts'))}]
    params: [train.epochs, train.limit_rows]
    outs: [model]
    metrics: [metrics.json]
model:
  name: wine-quality
  path: model
  gates:
    - {metric: test_accuracy, min: 0.4}
  evaluation: {data: eval.csv, label: quality, metrics: [accuracy, f1]}
environments:
  staging:
    port: ${stagingPort}
    smoke:
      - inputs: {dataframe_split: {columns: ${JSON.stringify(COLUMNS)}, data: [${JSON.stringify(ROW)}]}}
        schema: true
  production:
    port: ${productionPort}
    approval: manual
    rollout:
      steps: [{weight: 25, duration: 1500ms}]
      interval: 500ms
      rollback: {max_error_rate: 0.01, min_requests: 3}
`;

let dir: string;
let ws: string;
let server: RunningServer;
let env: Record<string, string>;

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-release-'));
  ws = join(dir, 'ws');
  const home = join(dir, 'home');
  const config = await loadConfig({ cwd: dir, env: {}, homeDir: home, flags: { server: { port: 0 }, home } });
  server = await startServer(config, {
    handleSignals: false,
    logger: createServeLogger('silent'),
    supervise: {
      pollIntervalMs: 200,
      healthIntervalMs: 200,
      command: (deployment, trackingUri) => ({
        program: process.execPath,
        args: ['--import', TSX, MAIN, ...serveArguments(deployment, trackingUri), '--poll-interval=200ms'],
        env: { ...process.env, SLIPWAY_HOME: home, SLIPWAY_LOG_LEVEL: 'warn' },
      }),
    },
  });
  env = { SLIPWAY_TRACKING_URI: server.url, SLIPWAY_HOME: home, USER: 'release-test' };
  await run('git', ['init', '-q', ws]);
  const eval300 = (await readFile(WINES, 'utf8')).split('\n').slice(0, 301).join('\n');
  await writeFile(join(ws, 'eval.csv'), `${eval300}\n`);
  await writeFile(join(ws, 'slipway.yaml'), pipelineYaml(await freePort(), await freePort()));
  await writeFile(join(ws, 'params.yaml'), 'train:\n  epochs: 40\n  limit_rows: 400\n');
  await copyFile(join(REPO, '.gitignore'), join(ws, '.gitignore')).catch(() => {});
  expect((await cli('init')).code).toBe(0);
  await run('git', ['-C', ws, 'add', '-A']);
  await run('git', ['-C', ws, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'pipeline']);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const cli = (...argv: string[]) =>
  captureCli(COMMANDS, argv, { cwd: ws, homeDir: join(dir, 'home'), env, version: '0.1.0' });

async function json<T>(...argv: string[]): Promise<T> {
  const result = await cli(...argv, '--json');
  if (result.code !== 0) throw new Error(`slipway ${argv.join(' ')}: exit ${result.code}\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

interface ReleaseOutcome {
  readonly release: { readonly id: string; readonly status: string; readonly version?: string };
  readonly next?: { readonly environment: string; readonly command: string };
}

const endpoint = async (environment: string): Promise<string> => {
  const { deployments } = await json<{ deployments: Deployment[] }>(
    'deployments',
    'list',
    '--environment',
    environment,
  );
  const url = deployments[0] === undefined ? undefined : deploymentUrl(deployments[0].target);
  if (url === undefined) throw new Error(`no url for ${environment}`);
  return url;
};

/** Requesters posting single rows to `url` until stopped; counts answers by status. */
function loadLoop(url: string, requesters: number) {
  const counts = new Map<number, number>();
  let running = true;
  const body = JSON.stringify({ inputs: [ROW] });
  const loops = Array.from({ length: requesters }, async () => {
    while (running) {
      const response = await fetch(`${url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      }).catch(() => undefined);
      const code = response?.status ?? 0;
      await response?.arrayBuffer();
      counts.set(code, (counts.get(code) ?? 0) + 1);
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return counts;
    },
  };
}

describe('slipway release: repro → register → gates → staging → smoke → approval → canary to production', () => {
  it('releases, waits for approval, promotes with a canary under load without a failed request, and rolls back', async () => {
    const first = await json<ReleaseOutcome>('release');
    expect(first.release).toMatchObject({ status: 'awaiting_approval', version: '1' });
    expect(first.next?.environment).toBe('production');
    const staging = await endpoint('staging');
    const served = await (await fetch(`${staging}/deployment`)).json();
    expect(served).toMatchObject({ environment: 'staging', policy: { routes: [{ version: '1', weight: 100 }] } });
    const shown = await json<{ steps: { step: string; status: string; environment?: string }[] }>(
      'release',
      'show',
      first.release.id,
    );
    expect(shown.steps.filter((s) => s.status !== 'started').map((s) => `${s.step}:${s.status}`)).toEqual([
      'repro:passed',
      'register:passed',
      'gates:passed',
      'approval:passed',
      'deploy:passed',
      'smoke:passed',
      'approval:waiting',
    ]);

    const approved = await json<ReleaseOutcome>('promote', 'staging', 'production');
    expect(approved.release).toMatchObject({ id: first.release.id, status: 'succeeded' });
    const production = await endpoint('production');

    await writeFile(join(ws, 'params.yaml'), 'train:\n  epochs: 60\n  limit_rows: 400\n');
    const second = await json<ReleaseOutcome>('release');
    expect(second.release).toMatchObject({ status: 'awaiting_approval', version: '2' });
    const load = loadLoop(production, 8);
    const promoted = await json<ReleaseOutcome>('promote', 'staging', 'production');
    expect(promoted.release.status).toBe('succeeded');
    const history = await json<{ revisions: { action: string; policy: { routes: unknown[] } }[] }>(
      'deployments',
      'history',
      'production',
    );
    expect(history.revisions.map((r) => r.action)).toEqual(['promote', 'canary', 'deploy']);

    const rolledBack = await cli('rollback', 'production');
    expect(rolledBack.code, rolledBack.stderr).toBe(0);
    const appliedRevision = async () =>
      ((await (await fetch(`${production}/deployment`)).json()) as { revision: number }).revision;
    await expect.poll(appliedRevision, { timeout: 15_000 }).toBe(4);
    const counts = await load.stop();
    expect([...counts.keys()]).toEqual([200]);
    expect(counts.get(200)).toBeGreaterThan(50);
    const built = await cli('build', 'k8s', 'production', '-o', join(dir, 'k8s'));
    expect(built.code, built.stderr).toBe(0);
    const manifests = await readdir(join(dir, 'k8s'));
    const deploymentYaml = await readFile(join(dir, 'k8s', manifests.find((f) => /deployment/i.test(f)) ?? ''), 'utf8');
    expect(deploymentYaml).toContain('wine-quality-production');
    expect(deploymentYaml).toContain('version: "1"');
    const aliases = await json<{ model: { aliases: { alias: string; version: string }[] } }>(
      'models',
      'show',
      'wine-quality',
    );
    expect(aliases.model.aliases).toEqual(
      expect.arrayContaining([
        { alias: 'staging', version: '2' },
        { alias: 'production', version: '2' },
      ]),
    );
  }, 180_000);
});
