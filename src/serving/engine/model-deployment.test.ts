import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServingFixture, servingFixture } from '../testing/serving-fixture.js';
import { ModelDeployment } from './model-deployment.js';
import type { ServedVersion } from './served-version.js';
import { singleVersion } from './traffic-policy.js';

let fixture: ServingFixture;
let v1: ServedVersion;
let v2: ServedVersion;

beforeAll(async () => {
  fixture = await servingFixture();
  v1 = await fixture.load(fixture.folders[0], '1');
  v2 = await fixture.load(fixture.folders[1], '2');
});

afterAll(() => fixture.cleanup());

const versionOf = (deployment: ModelDeployment, stickyKey?: string) => {
  const routed = deployment.route(stickyKey === undefined ? {} : { stickyKey });
  routed.primary.release();
  for (const lease of routed.shadows) lease.release();
  return routed.primary.served.version;
};

describe('ModelDeployment traffic policies', () => {
  it('splits a canary by weight within statistical tolerance', async () => {
    const deployment = new ModelDeployment('wine');
    await deployment.apply([v1, v2], {
      routes: [
        { version: '1', weight: 80 },
        { version: '2', weight: 20 },
      ],
    });
    const n = 20_000;
    let canary = 0;
    for (let i = 0; i < n; i++) if (versionOf(deployment) === '2') canary += 1;
    // Binomial(n, 0.2): standard deviation √(n·0.2·0.8) ≈ 57; five of them is a 1-in-a-million false alarm.
    expect(Math.abs(canary - n * 0.2)).toBeLessThan(5 * Math.sqrt(n * 0.2 * 0.8));
  });

  it('routes by the hash of the sticky header: one user, one version; users split by weight', async () => {
    const deployment = new ModelDeployment('wine');
    await deployment.apply([v1, v2], {
      routes: [
        { version: '1', weight: 50 },
        { version: '2', weight: 50 },
      ],
      stickyHeader: 'X-User',
    });
    expect(deployment.policy?.stickyHeader).toBe('x-user');
    const users = Array.from({ length: 4000 }, (_, i) => `user-${i}`);
    const first = users.map((user) => versionOf(deployment, user));
    for (let round = 0; round < 3; round++) expect(users.map((user) => versionOf(deployment, user))).toEqual(first);
    const share = first.filter((v) => v === '2').length / users.length;
    expect(Math.abs(share - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / users.length));
  });

  it('hands shadow leases out beside the primary and never routes live traffic to a shadow', async () => {
    const deployment = new ModelDeployment('wine');
    await deployment.apply([v1, v2], { routes: [{ version: '1', weight: 1 }], shadow: ['2'] });
    for (let i = 0; i < 100; i++) {
      const routed = deployment.route();
      expect(routed.primary.served.version).toBe('1');
      expect(routed.shadows.map((l) => l.served.version)).toEqual(['2']);
      routed.primary.release();
      for (const lease of routed.shadows) lease.release();
    }
  });

  it('refuses policies that send traffic nowhere or to versions not loaded', async () => {
    const deployment = new ModelDeployment('wine');
    await expect(deployment.apply([v1], { routes: [] })).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    await expect(deployment.apply([v1], { routes: [{ version: '1', weight: 0 }] })).rejects.toThrow();
    await expect(deployment.apply([v1], singleVersion('9'))).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    expect(() => deployment.route()).toThrow(expect.objectContaining({ code: 'TEMPORARILY_UNAVAILABLE' }));
  });

  it('retires a version only after its leases are released, then closes its model', async () => {
    const old = await fixture.load(fixture.folders[0], 'a');
    const next = await fixture.load(fixture.folders[1], 'b');
    const deployment = new ModelDeployment('wine');
    await deployment.apply([old], singleVersion('a'));
    const lease = deployment.route().primary;
    let retired = false;
    const swapped = deployment.apply([next], singleVersion('b')).then(() => {
      retired = true;
    });
    expect(versionOf(deployment)).toBe('b');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(retired).toBe(false);
    expect(old.retiring).toBe(true);
    lease.release();
    await swapped;
    expect(retired).toBe(true);
    expect(deployment.versions().map((v) => v.version)).toEqual(['b']);
    await expect(old.model.predict({})).rejects.toThrow();
  });
});
