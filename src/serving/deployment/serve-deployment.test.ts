import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentPolicy } from '../../deploy/deployments/deployment-types.js';
import { createMemoryDeploymentsClient } from '../../deploy/deployments/testing/memory-deployments-client.js';
import { createServeLogger, type RunningServing, startServing } from '../serve-main.js';
import { type RegisteredWineModels, registeredWineModels } from '../testing/registered-wine-models.js';
import { THREADS } from '../testing/serving-fixture.js';
import { wineRow } from '../testing/wine-model.js';

let registry: RegisteredWineModels;
let v1: string;
let v2: string;

beforeAll(async () => {
  registry = await registeredWineModels();
  v1 = await registry.register(1);
  v2 = await registry.register(2);
});

afterAll(() => registry.close());

const TARGET = { kind: 'local', port: 5101 } as const;
const logger = createServeLogger('silent');

async function followServer() {
  const client = createMemoryDeploymentsClient('alice');
  const serving = await startServing({
    deployment: { client, model: 'wine', environment: 'production', pollIntervalMs: 20, maxBackoffMs: 200 },
    resolver: registry.resolver,
    port: 0,
    handleSignals: false,
    flavor: THREADS,
    logger,
  });
  const apply = (policy: DeploymentPolicy, action: 'deploy' | 'canary' | 'rollback' = 'deploy') =>
    client.applyDeployment({ model: 'wine', environment: 'production', target: TARGET, policy, action });
  return { client, serving, apply };
}

const predict = (url: string, i = 0) =>
  fetch(`${url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: [wineRow(i)] }),
  });

/** GET /deployment's answer, or an error body. */
interface JsonBody {
  readonly revision?: number;
  readonly last_error?: string;
  readonly error_code?: string;
  readonly message?: string;
  readonly [field: string]: unknown;
}

const getJson = async (url: string) => {
  const reply = await fetch(url);
  return { status: reply.status, retryAfter: reply.headers.get('retry-after'), body: (await reply.json()) as JsonBody };
};

/** Waits until GET /deployment reports `revision` applied; returns the body. */
async function appliedRevision(serving: RunningServing, revision: number) {
  let body: JsonBody = {};
  await expect
    .poll(
      async () => {
        body = (await getJson(`${serving.url}/deployment`)).body;
        return body.revision;
      },
      { timeout: 10_000, interval: 20 },
    )
    .toBe(revision);
  return body;
}

/** Answered requests per version label, from /metrics (all endpoints and codes), and the error series. */
async function requestsByVersion(serving: RunningServing) {
  const text = await (await fetch(`${serving.url}/metrics`)).text();
  const counts: Record<string, number> = {};
  let total = 0;
  for (const [, version, value] of text.matchAll(
    /^slipway_serving_requests_total\{model="wine",version="([^"]*)",[^}]*\} (\d+)$/gm,
  )) {
    counts[version as string] = (counts[version as string] ?? 0) + Number(value);
    total += Number(value);
  }
  return { counts, total, errors: text.match(/^slipway_serving_errors_total\{.*$/gm) ?? [] };
}

/** Waits until at least `more` further requests were answered since `since`; returns the metrics then. */
async function afterRequests(serving: RunningServing, since: number, more: number) {
  let now = await requestsByVersion(serving);
  await expect
    .poll(
      async () => {
        now = await requestsByVersion(serving);
        return now.total - since >= more;
      },
      { timeout: 30_000, interval: 25 },
    )
    .toBe(true);
  return now;
}

const delta = (after: Record<string, number>, before: Record<string, number>, version: string) =>
  (after[version] ?? 0) - (before[version] ?? 0);

describe('slipway serve --deployment', () => {
  it('follows 100% → 90/10 canary → rollback under load with zero failed requests', async () => {
    const { serving, apply } = await followServer();
    let stop = false;
    const failures: string[] = [];
    const requester = async (id: number) => {
      for (let i = id; !stop; i += 8) {
        const reply = await predict(serving.url, i).catch((error: unknown) => error as Error);
        if (reply instanceof Error) failures.push(reply.message);
        else if (reply.status !== 200) failures.push(`${reply.status} ${await reply.text()}`);
        else await reply.arrayBuffer();
      }
    };
    let load: Promise<unknown> | undefined;
    try {
      await apply({ routes: [{ version: v1, weight: 100 }] });
      await appliedRevision(serving, 1);
      load = Promise.all(Array.from({ length: 8 }, (_, id) => requester(id)));
      const single = await afterRequests(serving, 0, 200);
      expect(Object.keys(single.counts)).toEqual([v1]);

      await apply(
        {
          routes: [
            { version: v1, weight: 90 },
            { version: v2, weight: 10 },
          ],
        },
        'canary',
      );
      const canary = await appliedRevision(serving, 2);
      expect(canary).toEqual({
        model: 'wine',
        environment: 'production',
        revision: 2,
        policy: {
          routes: [
            { version: v1, weight: 90 },
            { version: v2, weight: 10 },
          ],
        },
        applied_at: expect.any(Number),
      });
      const split0 = await requestsByVersion(serving);
      const split1 = await afterRequests(serving, split0.total, 600);
      const share = delta(split1.counts, split0.counts, v2) / (split1.total - split0.total);
      expect(share).toBeGreaterThan(0.03);
      expect(share).toBeLessThan(0.25);

      await apply({ routes: [{ version: v1, weight: 100 }] }, 'rollback');
      await appliedRevision(serving, 3);
      const back0 = await afterRequests(serving, split1.total, 100);
      const back1 = await afterRequests(serving, back0.total, 300);
      expect(delta(back1.counts, back0.counts, v2)).toBe(0);
      expect(delta(back1.counts, back0.counts, v1)).toBe(back1.total - back0.total);
      expect(
        serving.service
          .model()
          .versions()
          .map((served) => served.version),
      ).toEqual([v1]);

      stop = true;
      await load;
      expect(failures).toEqual([]);
      expect((await requestsByVersion(serving)).errors).toEqual([]);
    } finally {
      stop = true;
      await load;
      await serving.close();
    }
  });

  it('is not ready before the first revision, then keeps serving through a broken revision and a deletion', async () => {
    const { client, serving, apply } = await followServer();
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const early = await getJson(`${serving.url}/deployment`);
      expect(early).toMatchObject({ status: 503, retryAfter: '1', body: { error_code: 'TEMPORARILY_UNAVAILABLE' } });
      expect(early.body.message).toContain('wine is not deployed to production');
      expect((await fetch(`${serving.url}/health`)).status).not.toBe(200);
      expect(await getJson(`${serving.url}/v2/health/ready`)).toMatchObject({ status: 400, body: { ready: false } });
      expect((await predict(serving.url)).status).toBe(503);

      await apply({ routes: [{ version: v1, weight: 100 }] });
      await appliedRevision(serving, 1);
      expect((await fetch(`${serving.url}/health`)).status).toBe(200);
      expect((await getJson(`${serving.url}/v2/health/ready`)).status).toBe(200);

      const broken = await registry.registerBroken();
      await apply(
        {
          routes: [
            { version: v1, weight: 50 },
            { version: broken, weight: 50 },
          ],
        },
        'canary',
      );
      let reported: JsonBody = {};
      await expect
        .poll(async () => {
          reported = (await getJson(`${serving.url}/deployment`)).body;
          return reported.last_error;
        })
        .toMatch(/^Revision 2 of wine\/production was not applied: .*not a valid ONNX/);
      expect(reported.revision).toBe(1);
      for (let i = 0; i < 20; i++) {
        const reply = await predict(serving.url, i);
        expect(reply.status).toBe(200);
        expect(reply.headers.get('x-model-version')).toBe(v1);
      }

      await client.deleteDeployment('wine', 'production');
      await expect
        .poll(async () => (await getJson(`${serving.url}/deployment`)).body.last_error)
        .toBe('The deployment wine/production no longer exists; still serving its revision 1.');
      expect((await predict(serving.url)).status).toBe(200);
    } finally {
      await serving.close();
    }
  });

  it('answers 404 on GET /deployment when serving a model rather than following a deployment', async () => {
    const serving = await startServing({
      model: `models:/wine/${v1}`,
      resolver: registry.resolver,
      port: 0,
      handleSignals: false,
      flavor: THREADS,
      logger,
    });
    try {
      const reply = await getJson(`${serving.url}/deployment`);
      expect(reply).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
      await serving.swap(`models:/wine/${v2}`);
      expect(serving.service.models().map((model) => model.describe().version)).toEqual([v2]);
    } finally {
      await serving.close();
    }
  });

  it('refuses a hand swap while following, and stops following on close', async () => {
    const { serving, apply } = await followServer();
    await apply({ routes: [{ version: v1, weight: 100 }] });
    await appliedRevision(serving, 1);
    await expect(serving.swap(`models:/wine/${v2}`)).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    await serving.close();
    await apply({ routes: [{ version: v2, weight: 100 }] });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(serving.follower?.status().applied?.revision).toBe(1);
    expect(serving.service.model().versions()).toEqual([]);
  });

  it('refuses to follow without a resolver for models:/ URIs, closing the client it owns', async () => {
    let closed = false;
    const close = async () => {
      closed = true;
    };
    const client = { ...createMemoryDeploymentsClient(), close };
    const start = startServing({
      deployment: { client, model: 'wine', environment: 'production', closeClient: true },
      port: 0,
      handleSignals: false,
      logger,
    });
    await expect(start).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE', message: /needs a resolver/ });
    expect(closed).toBe(true);
  });
});
