import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeploymentsClient } from '../deployments/deployments-client.js';
import { createMemoryDeploymentsClient } from '../deployments/testing/memory-deployments-client.js';
import { createLocalSupervisor, type LocalSupervisor } from './local-supervisor.js';
import type { LocalSupervisorOptions, SupervisedProcessStatus } from './supervisor-types.js';
import {
  controlFile,
  deployLocal,
  FAST_TIMINGS,
  fakeServeCommand,
  freePort,
  isAlive,
  listenOn,
  waitFor,
} from './testing/supervisor-fixture.js';

let dir: string;
let client: DeploymentsClient;
const supervisors: LocalSupervisor[] = [];
const servers: Server[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-supervisor-'));
  client = createMemoryDeploymentsClient();
});

afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((supervisor) => supervisor.stop()));
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  await rm(dir, { recursive: true, force: true });
});

async function supervise(options: Partial<LocalSupervisorOptions> = {}): Promise<LocalSupervisor> {
  const supervisor = createLocalSupervisor({
    deployments: client,
    trackingUri: 'http://127.0.0.1:1',
    logDir: join(dir, 'logs'),
    command: fakeServeCommand(dir),
    ...FAST_TIMINGS,
    ...options,
  });
  supervisors.push(supervisor);
  await supervisor.start();
  return supervisor;
}

const find = (supervisor: LocalSupervisor, model: string, environment = 'staging') =>
  supervisor.status().find((p) => p.model === model && p.environment === environment);

/** Waits until the process matches `accept`, returns its status. */
const until = (
  supervisor: LocalSupervisor,
  what: string,
  accept: (status: SupervisedProcessStatus) => boolean,
  model = 'wine',
): Promise<SupervisedProcessStatus> =>
  waitFor(what, () => {
    const status = find(supervisor, model);
    return status !== undefined && accept(status) ? status : undefined;
  });

const healthyPid = (supervisor: LocalSupervisor, model = 'wine') =>
  until(supervisor, `${model} healthy`, (s) => s.state === 'healthy' && s.pid !== undefined, model);

async function health(port: number): Promise<number> {
  return (await fetch(`http://127.0.0.1:${port}/health`)).status;
}

describe('LocalSupervisor', () => {
  it('starts a child for a local deployment, health-checks it and logs its output', async () => {
    const port = await freePort();
    await deployLocal(client, 'wine', 'staging', port);
    await client.applyDeployment({
      model: 'iris',
      environment: 'production',
      target: { kind: 'docker' },
      policy: { routes: [{ version: '1', weight: 100 }] },
      action: 'deploy',
    });
    const supervisor = await supervise();
    const status = await healthyPid(supervisor);
    expect(status).toMatchObject({ model: 'wine', environment: 'staging', host: '127.0.0.1', port, restarts: 0 });
    expect(status.logFile).toBe(join(dir, 'logs', 'wine-staging.log'));
    expect(supervisor.status()).toHaveLength(1);
    expect(await health(port)).toBe(200);
    const log = await readFile(status.logFile, 'utf8');
    expect(log).toContain(`[supervisor] started pid ${status.pid}`);
    expect(log).toContain('serve --deployment=wine/staging --host=127.0.0.1');
    expect(log).toContain(`fake-serve wine/staging listening on 127.0.0.1:${port}`);
    expect(log).toContain('fake-serve wine/staging stderr works');
    expect(log).toMatch(/\[supervisor\] healthy after \d+ ms/);
  });

  it('restarts a child that was killed, with backoff, and counts the restart', async () => {
    await deployLocal(client, 'wine', 'staging', await freePort());
    const supervisor = await supervise();
    const first = await healthyPid(supervisor);
    process.kill(first.pid as number, 'SIGKILL');
    const second = await until(supervisor, 'a new healthy child', (s) => s.state === 'healthy' && s.pid !== first.pid);
    expect(second.restarts).toBe(1);
    expect(second.lastExit).toMatchObject({ code: null, signal: 'SIGKILL' });
    expect(isAlive(first.pid as number)).toBe(false);
    const log = await readFile(second.logFile, 'utf8');
    expect(log).toContain(`[supervisor] pid ${first.pid} exited on signal SIGKILL`);
    expect(log).toContain('[supervisor] restarting in 100 ms (exited on signal SIGKILL)');
    expect(log).toContain(`[supervisor] started pid ${second.pid}`);
  });

  it('backs off longer after each consecutive crash', async () => {
    await deployLocal(client, 'wine', 'staging', await freePort());
    const supervisor = await supervise({ backoffInitialMs: 50, backoffMaxMs: 100 });
    for (let round = 1; round <= 3; round += 1) {
      const status = await until(
        supervisor,
        `healthy #${round}`,
        (s) => s.state === 'healthy' && s.restarts === round - 1,
      );
      await writeFile(controlFile(dir, 'wine', 'staging'), 'crash');
      await until(supervisor, `crash #${round}`, (s) => s.restarts === round && s.pid !== status.pid);
    }
    const log = await readFile(join(dir, 'logs', 'wine-staging.log'), 'utf8');
    const delays = [...log.matchAll(/restarting in (\d+) ms \(exited with code 3\)/g)].map((m) => Number(m[1]));
    expect(delays).toEqual([50, 100, 100]);
  });

  it('kills and restarts a child that stops answering its health checks', async () => {
    await deployLocal(client, 'wine', 'staging', await freePort());
    const supervisor = await supervise();
    const first = await healthyPid(supervisor);
    await writeFile(controlFile(dir, 'wine', 'staging'), 'hang');
    const second = await until(supervisor, 'a replaced child', (s) => s.state === 'healthy' && s.pid !== first.pid);
    expect(second.restarts).toBe(1);
    expect(second.lastError).toMatch(/^2 consecutive health checks failed/);
    expect(second.lastExit).toMatchObject({ code: 0, signal: null });
    expect(isAlive(first.pid as number)).toBe(false);
    const log = await readFile(second.logFile, 'utf8');
    expect(log).toContain(`[supervisor] killing pid ${first.pid}: 2 consecutive health checks failed`);
  });

  it('restarts a child that is not healthy within the start timeout', async () => {
    await writeFile(controlFile(dir, 'wine', 'staging'), 'hang');
    await deployLocal(client, 'wine', 'staging', await freePort());
    const supervisor = await supervise({ startTimeoutMs: 1500 });
    const status = await healthyPid(supervisor);
    expect(status.restarts).toBe(1);
    expect(status.lastError).toMatch(/^not healthy within 1500 ms/);
  });

  it('restarts the child on the new port when the port changes, not on a new revision', async () => {
    const [oldPort, newPort] = [await freePort(), await freePort()];
    await deployLocal(client, 'wine', 'staging', oldPort);
    const supervisor = await supervise();
    const first = await healthyPid(supervisor);
    await client.applyDeployment({
      model: 'wine',
      environment: 'staging',
      policy: { routes: [{ version: '2', weight: 100 }] },
      action: 'promote',
    });
    await supervisor.reconcile();
    await supervisor.reconcile();
    expect(find(supervisor, 'wine')).toMatchObject({ pid: first.pid, state: 'healthy', restarts: 0 });
    await deployLocal(client, 'wine', 'staging', newPort);
    const moved = await until(
      supervisor,
      'the child on the new port',
      (s) => s.state === 'healthy' && s.pid !== first.pid,
    );
    expect(moved).toMatchObject({ port: newPort, restarts: 1 });
    expect(await health(newPort)).toBe(200);
    expect(isAlive(first.pid as number)).toBe(false);
    await expect(health(oldPort)).rejects.toThrow();
  });

  it('stops the child of a deployment that is removed', async () => {
    await deployLocal(client, 'wine', 'staging', await freePort());
    await deployLocal(client, 'iris', 'staging', await freePort());
    const supervisor = await supervise();
    const wine = await healthyPid(supervisor, 'wine');
    const iris = await healthyPid(supervisor, 'iris');
    await client.deleteDeployment('wine', 'staging');
    await waitFor('wine gone', () => (find(supervisor, 'wine') === undefined ? true : undefined));
    expect(isAlive(wine.pid as number)).toBe(false);
    expect(find(supervisor, 'iris')).toMatchObject({ pid: iris.pid, state: 'healthy' });
    const log = await readFile(wine.logFile, 'utf8');
    expect(log).toContain(`[supervisor] stopping pid ${wine.pid}`);
    expect(log).toContain('fake-serve stopping');
    expect(log).toContain(`[supervisor] pid ${wine.pid} exited with code 0`);
  });

  it('reports a port held by a foreign process without spinning, and starts once it is free', async () => {
    const port = await freePort();
    const foreign = await listenOn(port);
    await deployLocal(client, 'wine', 'staging', port);
    const supervisor = await supervise();
    const blocked = await until(supervisor, 'the port reported', (s) => s.state === 'failed');
    expect(blocked).toMatchObject({ pid: undefined, restarts: 0 });
    expect(blocked.lastError).toBe(`Port ${port} on 127.0.0.1 is in use by another process.`);
    for (let i = 0; i < 5; i += 1) await supervisor.reconcile();
    expect(find(supervisor, 'wine')).toMatchObject({ state: 'failed', restarts: 0, pid: undefined });
    const log = await readFile(blocked.logFile, 'utf8');
    expect(log.match(/not started: Port/g)).toHaveLength(1);
    await new Promise((resolve) => foreign.close(resolve));
    await healthyPid(supervisor);
  });

  it('stops every child when it stops, escalating to SIGKILL for one that ignores SIGTERM', async () => {
    await deployLocal(client, 'wine', 'staging', await freePort());
    await deployLocal(client, 'iris', 'staging', await freePort());
    const supervisor = await supervise({ command: fakeServeCommand(dir, { FAKE_SERVE_IGNORE_TERM: '1' }) });
    const pids = [(await healthyPid(supervisor, 'wine')).pid, (await healthyPid(supervisor, 'iris')).pid] as number[];
    await supervisor.stop();
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect(supervisor.status().map((s) => [s.state, s.pid, s.lastExit?.signal])).toEqual([
      ['stopped', undefined, 'SIGKILL'],
      ['stopped', undefined, 'SIGKILL'],
    ]);
    await supervisor.reconcile();
    expect(supervisor.status().every((s) => s.state === 'stopped')).toBe(true);
  });

  it('retries a program that cannot be started, and reports a command that cannot be built', async () => {
    await deployLocal(client, 'wine', 'staging', await freePort());
    await deployLocal(client, 'iris', 'staging', await freePort());
    const supervisor = await supervise({
      command: (deployment) => {
        if (deployment.model === 'iris') throw new Error('no serve script');
        return { program: join(dir, 'no-such-program'), args: [], env: {} };
      },
    });
    const wine = await until(supervisor, 'two failed starts', (s) => s.restarts >= 2);
    expect(wine.lastError).toMatch(/^cannot start .*no-such-program: spawn .* ENOENT$/);
    expect(wine.lastExit).toBeUndefined();
    const iris = await until(supervisor, 'iris failed', (s) => s.state === 'failed', 'iris');
    expect(iris).toMatchObject({ restarts: 0, lastError: 'cannot start: no serve script' });
  });

  it('keeps polling when the deployments cannot be listed, and says so once', async () => {
    const messages: string[] = [];
    const failing: DeploymentsClient = {
      ...client,
      listDeployments: () => Promise.reject(new Error('database is down')),
    };
    const supervisor = await supervise({ deployments: failing, log: (_level, message) => messages.push(message) });
    await expect(supervisor.reconcile()).rejects.toThrow('database is down');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(messages).toEqual(['cannot list the deployments: database is down']);
    expect(supervisor.status()).toEqual([]);
  });
});
