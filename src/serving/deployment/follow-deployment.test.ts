import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentPolicy } from '../../deploy/deployments/deployment-types.js';
import type { DeploymentsClient } from '../../deploy/deployments/deployments-client.js';
import { createMemoryDeploymentsClient } from '../../deploy/deployments/testing/memory-deployments-client.js';
import { DEFAULT_BATCHING } from '../engine/micro-batcher.js';
import { ModelDeployment } from '../engine/model-deployment.js';
import { type RegisteredWineModels, registeredWineModels } from '../testing/registered-wine-models.js';
import { THREADS } from '../testing/serving-fixture.js';
import { DeploymentFollower } from './follow-deployment.js';

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

/** A follower over a fresh memory deployments store, with a clock the test moves. */
function follow() {
  const client = createMemoryDeploymentsClient('alice');
  const deployment = new ModelDeployment('wine');
  const clock = { now: 1_000 };
  const follower = new DeploymentFollower({
    client,
    model: 'wine',
    environment: 'production',
    resolver: registry.resolver,
    deployment,
    load: { batching: DEFAULT_BATCHING, flavor: THREADS },
    pollIntervalMs: 100,
    maxBackoffMs: 1_000,
    now: () => clock.now,
  });
  const apply = (policy: DeploymentPolicy, client_: DeploymentsClient = client) =>
    client_.applyDeployment({ model: 'wine', environment: 'production', target: TARGET, policy, action: 'deploy' });
  const versions = () => deployment.versions().map((served) => served.version);
  const close = async () => {
    await follower.close();
    await deployment.close();
  };
  return { client, deployment, follower, clock, apply, versions, close };
}

describe('DeploymentFollower', () => {
  it('applies each revision, loading only new versions, labelled by registry version, and retires the rest', async () => {
    const f = follow();
    try {
      await f.follower.poll();
      expect(f.follower.status()).toEqual({
        model: 'wine',
        environment: 'production',
        lastError: 'wine is not deployed to production (yet).',
      });
      expect(f.deployment.ready).toBe(false);
      await f.apply({ routes: [{ version: v1, weight: 100 }] });
      await f.follower.poll();
      expect(f.follower.status()).toMatchObject({ applied: { revision: 1 } });
      expect(f.follower.status().lastError).toBeUndefined();
      const first = f.deployment.find(v1);
      await f.apply({
        routes: [
          { version: v1, weight: 90 },
          { version: v2, weight: 10 },
        ],
        stickyHeader: 'X-User',
      });
      await f.follower.poll();
      expect(f.follower.status().applied).toMatchObject({ revision: 2, policy: { stickyHeader: 'X-User' } });
      expect(f.deployment.find(v1)).toBe(first);
      expect(f.deployment.policy).toEqual({
        routes: [
          { version: v1, weight: 90 },
          { version: v2, weight: 10 },
        ],
        stickyHeader: 'x-user',
      });
      await f.apply({ routes: [{ version: v2, weight: 100 }], shadow: [v1] });
      await f.follower.poll();
      expect(f.deployment.policy).toEqual({ routes: [{ version: v2, weight: 100 }], shadow: [v1] });
      await f.apply({ routes: [{ version: v2, weight: 100 }] });
      await f.follower.poll();
      expect(f.versions()).toEqual([v2]);
      expect(first?.retiring).toBe(true);
    } finally {
      await f.close();
    }
  });

  it('keeps serving when a revision names a broken or missing version, and retries it with backoff', async () => {
    const f = follow();
    try {
      await f.apply({ routes: [{ version: v1, weight: 100 }] });
      await f.follower.poll();
      const broken = await registry.registerBroken();
      await f.apply({
        routes: [
          { version: v1, weight: 90 },
          { version: broken, weight: 10 },
        ],
      });
      await f.follower.poll();
      expect(f.follower.status().applied?.revision).toBe(1);
      expect(f.follower.status().lastError).toMatch(
        /^Revision 2 of wine\/production was not applied: .*not a valid ONNX/,
      );
      expect(f.versions()).toEqual([v1]);
      expect(f.deployment.policy?.routes).toEqual([{ version: v1, weight: 100 }]);
      const missing = String(Number(broken) + 1);
      await f.apply({ routes: [{ version: missing, weight: 100 }] });
      await f.follower.poll();
      expect(f.follower.status().lastError).toMatch(
        new RegExp(`^Revision 3 of wine/production was not applied: .*version=${missing}\\) not found`),
      );
      expect(await registry.register(3)).toBe(missing);
      await f.follower.poll();
      expect(f.follower.status().applied?.revision).toBe(1);
      f.clock.now += 250;
      await f.follower.poll();
      expect(f.follower.status()).toMatchObject({ applied: { revision: 3 } });
      expect(f.follower.status().lastError).toBeUndefined();
      expect(f.versions()).toEqual([missing]);
    } finally {
      await f.close();
    }
  });

  it('keeps serving the last revision of a deleted deployment, then follows it again when re-created', async () => {
    const f = follow();
    try {
      await f.apply({ routes: [{ version: v1, weight: 100 }] });
      await f.apply({ routes: [{ version: v2, weight: 100 }] });
      await f.follower.poll();
      await f.client.deleteDeployment('wine', 'production');
      await f.follower.poll();
      expect(f.follower.status()).toMatchObject({
        applied: { revision: 2 },
        lastError: 'The deployment wine/production no longer exists; still serving its revision 2.',
      });
      expect(f.versions()).toEqual([v2]);
      await f.apply({ routes: [{ version: v1, weight: 100 }] });
      await f.follower.poll();
      expect(f.follower.status()).toMatchObject({ applied: { revision: 1 } });
      expect(f.versions()).toEqual([v1]);
    } finally {
      await f.close();
    }
  });

  it('polls by itself once started, and stops on close', async () => {
    const f = follow();
    try {
      await f.apply({ routes: [{ version: v1, weight: 100 }] });
      f.follower.start();
      await expect.poll(() => f.follower.status().applied?.revision, { timeout: 5000 }).toBe(1);
      await f.follower.close();
      await f.apply({ routes: [{ version: v2, weight: 100 }] });
      await f.follower.poll();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(f.follower.status().applied?.revision).toBe(1);
      expect(f.versions()).toEqual([v1]);
    } finally {
      await f.close();
    }
  });
});
