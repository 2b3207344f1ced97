import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allTrafficTo, type Deployment } from '../../deployments/deployment-types.js';
import type { DeploymentsClient } from '../../deployments/deployments-client.js';
import { serveArguments } from '../default-child-command.js';
import type { ChildCommandFactory, SupervisorTimings } from '../supervisor-types.js';

/** The stand-in for `slipway serve --deployment` (see the comment at its top for its switches). */
export const FAKE_SERVE = fileURLToPath(new URL('../fixtures/fake-serve.mjs', import.meta.url));

/** Intervals small enough for tests, with room for a loaded machine. */
export const FAST_TIMINGS: Partial<SupervisorTimings> = {
  pollIntervalMs: 50,
  healthIntervalMs: 100,
  healthTimeoutMs: 500,
  unhealthyThreshold: 2,
  startTimeoutMs: 10_000,
  backoffInitialMs: 100,
  backoffMaxMs: 400,
  backoffJitter: 0,
  stopGraceMs: 500,
  logMaxBytes: 1024 * 1024,
};

/** The file that steers the fake child of a deployment (`crash`, `hang`). */
export const controlFile = (dir: string, model: string, environment: string): string =>
  join(dir, `${model}-${environment}.control`);

/** Runs the fake server with the real serve arguments; `extraEnv` for FAKE_SERVE_IGNORE_TERM. */
export function fakeServeCommand(controlDir: string, extraEnv: NodeJS.ProcessEnv = {}): ChildCommandFactory {
  return (deployment, trackingUri) => ({
    program: process.execPath,
    args: [FAKE_SERVE, ...serveArguments(deployment, trackingUri)],
    env: {
      PATH: process.env.PATH,
      FAKE_SERVE_CONTROL: controlFile(controlDir, deployment.model, deployment.environment),
      ...extraEnv,
    },
  });
}

export function deployLocal(
  client: DeploymentsClient,
  model: string,
  environment: string,
  port: number,
): Promise<Deployment> {
  return client.applyDeployment({
    model,
    environment,
    target: { kind: 'local', host: '127.0.0.1', port },
    policy: allTrafficTo('1'),
    action: 'deploy',
  });
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = await listenOn(0);
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

/** A plain TCP server on 127.0.0.1: a "foreign process" holding a port. */
export function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => resolve(server));
  });
}

/** Whether a process with this pid exists (our reaped children do not). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Polls until `probe` returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
