import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigLayer } from '../../config/config-schema.js';
import { loadConfig } from '../../config/load-config.js';
import type { SupervisorStatusResponse } from '../../contract/supervisor-api.js';
import type { DeploymentsClient } from '../../deploy/deployments/deployments-client.js';
import { createMemoryDeploymentsClient } from '../../deploy/deployments/testing/memory-deployments-client.js';
import {
  deployLocal,
  FAST_TIMINGS,
  fakeServeCommand,
  freePort,
  isAlive,
} from '../../deploy/local/testing/supervisor-fixture.js';
import { type RunningServer, startServer } from '../main.js';

let home: string;
let deployments: DeploymentsClient;
const running: RunningServer[] = [];

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'slipway-server-supervisor-'));
  deployments = createMemoryDeploymentsClient();
});

afterEach(async () => {
  for (const server of running.splice(0)) await server.close();
  await rm(home, { recursive: true, force: true });
});

async function start(
  flags: ConfigLayer = {},
  openDeployments: () => Promise<DeploymentsClient> = async () => deployments,
): Promise<RunningServer> {
  const config = await loadConfig({
    flags: { home, server: { port: 0 }, ...flags },
    env: {},
    cwd: home,
    homeDir: home,
  });
  const server = await startServer(config, {
    logger: pino({ level: 'silent' }),
    handleSignals: false,
    supervise: { ...FAST_TIMINGS, openDeployments, command: fakeServeCommand(home) },
  });
  running.push(server);
  return server;
}

async function processes(server: RunningServer): Promise<SupervisorStatusResponse['processes']> {
  const response = await fetch(`${server.url}/api/v1/supervisor`);
  expect(response.status).toBe(200);
  return ((await response.json()) as SupervisorStatusResponse).processes;
}

async function untilHealthy(server: RunningServer): Promise<SupervisorStatusResponse['processes'][number]> {
  for (let i = 0; i < 600; i += 1) {
    const [first] = await processes(server);
    if (first?.state === 'healthy') return first;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('no healthy process');
}

describe('slipway server supervising local deployments', () => {
  it('runs a child per local deployment, reports it on GET /api/v1/supervisor and stops it on close', async () => {
    const port = await freePort();
    await deployLocal(deployments, 'wine', 'staging', port);
    const server = await start();
    const child = await untilHealthy(server);
    expect(child).toMatchObject({ model: 'wine', environment: 'staging', host: '127.0.0.1', port, restarts: 0 });
    expect(child.log_file).toBe(join(home, 'logs', 'wine-staging.log'));
    expect(await readFile(child.log_file, 'utf8')).toContain(`--tracking-uri=${server.url}`);
    await server.close();
    expect(isAlive(child.pid as number)).toBe(false);
  });

  it('supervises nothing with deployments.supervise off', async () => {
    await deployLocal(deployments, 'wine', 'staging', await freePort());
    const server = await start({ deployments: { supervise: false } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await processes(server)).toEqual([]);
  });

  it('still serves its APIs when the deployments store cannot be opened', async () => {
    const server = await start({}, () => Promise.reject(new Error('no deployments adapter')));
    expect(await processes(server)).toEqual([]);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
