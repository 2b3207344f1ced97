import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Deployment } from '../../deployments/deployment-types.js';
import type { DeploymentsClient } from '../../deployments/deployments-client.js';

export interface FollowerOptions {
  readonly client: DeploymentsClient;
  readonly model: string;
  readonly environment: string;
  /** Makes whatever serves (a real serving process, a simulation) serve a revision's policy. */
  apply(deployment: Deployment): Promise<void>;
  /** Answers GET /metrics too (a simulated serving process; undefined: 500); otherwise 404. */
  readonly metrics?: (() => Promise<string | undefined>) | undefined;
  readonly pollMs?: number | undefined;
}

export interface DeploymentFollower {
  /** Answers GET /deployment (503 until the first revision is applied), and GET /metrics when given. */
  readonly url: string;
  /** The revision applied last. */
  readonly revision: number;
  close(): Promise<void>;
}

interface Applied {
  readonly deployment: Deployment;
  /** When the serving process applied it (ms since the epoch). */
  readonly appliedAt: number;
}

/**
 * What `slipway serve --deployment` does, for tests on a branch without it: polls the deployments client, applies
 * each new revision, and answers GET /deployment with the revision it applied, in the serving process's shape.
 */
export async function followDeployment(options: FollowerOptions): Promise<DeploymentFollower> {
  let applied: Applied | undefined;
  let lastError: string | undefined;
  let stopped = false;
  const poll = async () => {
    while (!stopped) {
      const deployment = await options.client.getDeployment(options.model, options.environment);
      if (deployment !== undefined && deployment.revision !== applied?.deployment.revision) {
        try {
          await options.apply(deployment);
          applied = { deployment, appliedAt: Date.now() };
        } catch (error) {
          lastError = (error as Error).message;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 10));
    }
  };
  const polling = poll();
  const server = createServer((request, response) => {
    answer(request, response, applied, lastError, options.metrics).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get revision() {
      return applied?.deployment.revision ?? 0;
    },
    async close() {
      stopped = true;
      await polling;
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function answer(
  request: IncomingMessage,
  response: ServerResponse,
  applied: Applied | undefined,
  lastError: string | undefined,
  metrics: (() => Promise<string | undefined>) | undefined,
): Promise<void> {
  if (request.url === '/metrics' && metrics !== undefined) {
    const text = await metrics();
    if (text === undefined) response.writeHead(500).end();
    else response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text);
  } else if (request.url !== '/deployment') {
    response.writeHead(404).end();
  } else if (applied === undefined) {
    response.writeHead(503, { 'content-type': 'application/json' }).end('{"error_code":"TEMPORARILY_UNAVAILABLE"}');
  } else {
    const { model, environment, revision, policy } = applied.deployment;
    const body = { model, environment, revision, policy, applied_at: applied.appliedAt, last_error: lastError };
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}
