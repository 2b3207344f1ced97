import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { rejectsWithCode } from '../../tracking/tracking-client.contract.js';
import { allTrafficTo, type DeploymentPolicy, type DeploymentTarget } from './deployment-types.js';
import type { DeploymentsClient } from './deployments-client.js';

/** What a contract test gets: a client on an empty store, the actor it records, and cleanup. */
export interface DeploymentsClientUnderTest {
  readonly client: DeploymentsClient;
  /** Who the adapter records as acting (the CLI's user, a server's principal). */
  readonly actor: string;
  close(): Promise<void>;
}

const LOCAL: DeploymentTarget = { kind: 'local', host: '127.0.0.1', port: 5101 };
const CANARY: DeploymentPolicy = {
  routes: [
    { version: '1', weight: 90 },
    { version: '2', weight: 10 },
  ],
  stickyHeader: 'x-user',
  shadow: ['3'],
};
/** A registered model name that needs percent-encoding in a URL path (the registry allows it). */
const ODD_NAME = 'wine quality 50%?#&=+é';

/** The suite every DeploymentsClient passes: memory, SQL on each dialect, HTTP against a real server. */
export function describeDeploymentsClient(name: string, make: () => Promise<DeploymentsClientUnderTest>): void {
  describe(`DeploymentsClient contract: ${name}`, () => {
    const opened: DeploymentsClientUnderTest[] = [];
    afterEach(async () => {
      for (const entry of opened.splice(0)) await entry.close();
    });
    const open = async () => {
      const entry = await make();
      opened.push(entry);
      return entry;
    };

    it('deploys, keeps the target, counts revisions and pages the history newest first', async () => {
      const { client, actor } = await open();
      expect(await client.getDeployment('wine', 'staging')).toBeUndefined();
      const first = await client.applyDeployment({
        model: 'wine',
        environment: 'staging',
        target: LOCAL,
        policy: allTrafficTo('1'),
        action: 'deploy',
        reason: 'first\nrelease',
        expectedRevision: 0,
      });
      expect(first).toMatchObject({ model: 'wine', environment: 'staging', revision: 1, target: LOCAL, actor });
      expect(first.reason).toBe('first\nrelease');
      expect(first.createdAt).toBe(first.time);
      const second = await client.applyDeployment({
        model: 'wine',
        environment: 'staging',
        policy: CANARY,
        action: 'canary',
        expectedRevision: 1,
      });
      expect(second).toMatchObject({ revision: 2, target: LOCAL, policy: CANARY, action: 'canary' });
      expect(second.createdAt).toBe(first.createdAt);
      expect(second.reason).toBeUndefined();
      await client.applyDeployment({
        model: 'wine',
        environment: 'staging',
        policy: allTrafficTo('2'),
        action: 'promote',
      });
      expect(await client.getDeployment('wine', 'staging')).toMatchObject({ revision: 3, policy: allTrafficTo('2') });
      const page = await client.listDeploymentHistory({ model: 'wine', environment: 'staging', maxResults: 2 });
      expect(page.items.map((r) => [r.revision, r.action])).toEqual([
        [3, 'promote'],
        [2, 'canary'],
      ]);
      expect(page.nextPageToken).toBeDefined();
      const rest = await client.listDeploymentHistory({
        model: 'wine',
        environment: 'staging',
        maxResults: 2,
        pageToken: page.nextPageToken,
      });
      expect(rest.items.map((r) => r.revision)).toEqual([1]);
      expect(rest.items[0]).toMatchObject({
        target: LOCAL,
        policy: allTrafficTo('1'),
        actor,
        reason: 'first\nrelease',
      });
      expect(rest.nextPageToken).toBeUndefined();
      await rejectsWithCode(
        client.listDeploymentHistory({ model: 'wine', environment: 'prod', pageToken: page.nextPageToken }),
        'INVALID_PARAMETER_VALUE',
      );
      await rejectsWithCode(
        client.listDeploymentHistory({ model: 'wine', environment: 'staging', pageToken: 'forged' }),
        'INVALID_PARAMETER_VALUE',
      );
    });

    it('refuses a stale expected revision and writes nothing', async () => {
      const { client } = await open();
      const base = { model: 'wine', environment: 'production', target: LOCAL, action: 'deploy' as const };
      await client.applyDeployment({ ...base, policy: allTrafficTo('1'), expectedRevision: 0 });
      const refused = await rejectsWithCode(
        client.applyDeployment({ ...base, policy: allTrafficTo('2'), expectedRevision: 0 }),
        'RESOURCE_CONFLICT',
      );
      expect(refused.message).toContain('revision 1');
      await rejectsWithCode(
        client.applyDeployment({ ...base, policy: allTrafficTo('2'), expectedRevision: 5 }),
        'RESOURCE_CONFLICT',
      );
      expect(await client.getDeployment('wine', 'production')).toMatchObject({
        revision: 1,
        policy: allTrafficTo('1'),
      });
      const history = await client.listDeploymentHistory({ model: 'wine', environment: 'production' });
      expect(history.items).toHaveLength(1);
    });

    it('needs a target for the first deploy and validates every field', async () => {
      const { client } = await open();
      const base = { model: 'wine', environment: 'staging', policy: allTrafficTo('1'), action: 'deploy' as const };
      await rejectsWithCode(client.applyDeployment(base), 'RESOURCE_DOES_NOT_EXIST');
      const bad = async (change: Record<string, unknown>) =>
        rejectsWithCode(client.applyDeployment({ ...base, target: LOCAL, ...change }), 'INVALID_PARAMETER_VALUE');
      await bad({ environment: 'Prod' });
      await bad({ environment: 'a-very-long-environment-name' });
      await bad({ model: 'a/b' });
      await bad({ model: '' });
      await bad({ target: { kind: 'local' } });
      await bad({ target: { kind: 'ftp', port: 1 } });
      await bad({ target: { kind: 'docker', url: 'file:///etc/passwd' } });
      await bad({ policy: { routes: [{ version: '1', weight: 60 }] } });
      await bad({ policy: { routes: [{ version: 'latest', weight: 100 }] } });
      await bad({ policy: { ...allTrafficTo('1'), shadow: ['1'] } });
      await bad({ action: 'yolo' });
      await bad({ releaseId: 'not-hex' });
      await bad({ reason: 'x'.repeat(5000) });
      await bad({ expectedRevision: -1 });
      expect(await client.listDeployments()).toEqual([]);
      await rejectsWithCode(client.getDeployment('wine', 'NOPE'), 'INVALID_PARAMETER_VALUE');
      await rejectsWithCode(client.deleteDeployment('wine', 'staging'), 'RESOURCE_DOES_NOT_EXIST');
      await rejectsWithCode(
        client.listDeploymentHistory({ model: 'wine', environment: 'staging' }),
        'RESOURCE_DOES_NOT_EXIST',
      );
      await rejectsWithCode(
        client.listDeploymentHistory({ model: 'wine', environment: 'staging', maxResults: 0 }),
        'INVALID_PARAMETER_VALUE',
      );
    });

    it('lists by model and environment in code point order, and deletes', async () => {
      const { client } = await open();
      const deploy = (model: string, environment: string) =>
        client.applyDeployment({ model, environment, target: LOCAL, policy: allTrafficTo('1'), action: 'deploy' });
      for (const [model, environment] of [
        ['wine', 'staging'],
        ['Wine', 'staging'],
        ['wine', 'production'],
        ['beer', 'staging'],
      ] as const) {
        await deploy(model, environment);
      }
      const all = await client.listDeployments();
      expect(all.map((d) => `${d.model}/${d.environment}`)).toEqual([
        'Wine/staging',
        'beer/staging',
        'wine/production',
        'wine/staging',
      ]);
      const staging = await client.listDeployments({ environment: 'staging' });
      expect(staging.map((d) => d.model)).toEqual(['Wine', 'beer', 'wine']);
      const wine = await client.listDeployments({ model: 'wine' });
      expect(wine.map((d) => d.environment)).toEqual(['production', 'staging']);
      expect(await client.listDeployments({ model: 'wine', environment: 'staging' })).toHaveLength(1);
      await client.deleteDeployment('wine', 'staging');
      expect(await client.getDeployment('wine', 'staging')).toBeUndefined();
      await rejectsWithCode(client.deleteDeployment('wine', 'staging'), 'RESOURCE_DOES_NOT_EXIST');
      const again = await deploy('wine', 'staging');
      expect(again.revision).toBe(1);
    });

    it('keeps model names that need percent-encoding intact', async () => {
      const { client } = await open();
      const change = {
        model: ODD_NAME,
        environment: 'staging',
        target: LOCAL,
        policy: CANARY,
        action: 'deploy' as const,
      };
      await client.applyDeployment(change);
      await client.applyDeployment({ ...change, policy: allTrafficTo('2'), action: 'promote' });
      expect(await client.getDeployment(ODD_NAME, 'staging')).toMatchObject({ model: ODD_NAME, revision: 2 });
      expect((await client.listDeployments({ model: ODD_NAME })).map((d) => d.model)).toEqual([ODD_NAME]);
      const page = await client.listDeploymentHistory({ model: ODD_NAME, environment: 'staging', maxResults: 1 });
      const next = await client.listDeploymentHistory({
        model: ODD_NAME,
        environment: 'staging',
        pageToken: page.nextPageToken,
      });
      expect(next.items.map((r) => r.policy)).toEqual([CANARY]);
      await client.deleteDeployment(ODD_NAME, 'staging');
      expect(await client.listDeployments()).toEqual([]);
    });

    it('creates, updates and lists releases, and records their steps in order', async () => {
      const { client, actor } = await open();
      const first = await client.createRelease({ model: 'wine', target: 'production' });
      expect(first).toMatchObject({ model: 'wine', target: 'production', status: 'running', actor });
      expect(first.id).toMatch(/^[0-9a-f]{32}$/);
      expect(first.version).toBeUndefined();
      await sleep(3);
      const second = await client.createRelease({ model: 'wine', target: 'staging' });
      await sleep(3);
      const other = await client.createRelease({ model: ODD_NAME, target: 'staging' });
      expect(await client.getRelease(first.id)).toEqual(first);
      await sleep(2);
      const updated = await client.updateRelease(first.id, { status: 'awaiting_approval', version: '3' });
      expect(updated).toMatchObject({ id: first.id, status: 'awaiting_approval', version: '3' });
      expect(updated.updatedAt).toBeGreaterThan(first.updatedAt);
      expect(await client.updateRelease(first.id, { status: 'succeeded' })).toMatchObject({ version: '3' });
      expect((await client.listReleases()).map((r) => r.id)).toEqual([other.id, second.id, first.id]);
      expect((await client.listReleases({ model: 'wine' })).map((r) => r.id)).toEqual([second.id, first.id]);
      expect((await client.listReleases({ model: ODD_NAME })).map((r) => r.id)).toEqual([other.id]);
      expect((await client.listReleases({ status: 'succeeded' })).map((r) => r.id)).toEqual([first.id]);
      expect((await client.listReleases({ maxResults: 1 })).map((r) => r.id)).toEqual([other.id]);

      const details = { gates: [{ metric: 'rmse', value: 0.61, threshold: 0.7, passed: true }], note: null };
      await client.recordReleaseStep({ releaseId: first.id, step: 'gates', status: 'started' });
      const step = await client.recordReleaseStep({
        releaseId: first.id,
        step: 'gates',
        status: 'passed',
        environment: 'production',
        details,
      });
      expect(step).toMatchObject({ releaseId: first.id, step: 'gates', status: 'passed', details, actor });
      await client.recordReleaseStep({ releaseId: second.id, step: 'repro', status: 'failed' });
      const steps = await client.listReleaseSteps(first.id);
      expect(steps.map((s) => `${s.step}.${s.status}`)).toEqual(['gates.started', 'gates.passed']);
      expect(steps[0]?.details).toEqual({});
      expect(steps[0]?.environment).toBeUndefined();
      expect(steps[1]).toMatchObject({ environment: 'production', details });
      expect(await client.listReleaseSteps(other.id)).toEqual([]);
    });

    it('reports release errors with their codes', async () => {
      const { client } = await open();
      const missing = '0'.repeat(32);
      await rejectsWithCode(client.getRelease(missing), 'RESOURCE_DOES_NOT_EXIST');
      await rejectsWithCode(client.getRelease('../../etc'), 'INVALID_PARAMETER_VALUE');
      await rejectsWithCode(client.updateRelease(missing, { status: 'failed' }), 'RESOURCE_DOES_NOT_EXIST');
      await rejectsWithCode(client.listReleaseSteps(missing), 'RESOURCE_DOES_NOT_EXIST');
      await rejectsWithCode(
        client.recordReleaseStep({ releaseId: missing, step: 'gates', status: 'passed' }),
        'RESOURCE_DOES_NOT_EXIST',
      );
      await rejectsWithCode(client.createRelease({ model: 'wine', target: 'Prod!' }), 'INVALID_PARAMETER_VALUE');
      await rejectsWithCode(client.createRelease({ model: 'a/b', target: 'prod' }), 'INVALID_PARAMETER_VALUE');
      const release = await client.createRelease({ model: 'wine', target: 'prod' });
      const bad = (promise: Promise<unknown>) => rejectsWithCode(promise, 'INVALID_PARAMETER_VALUE');
      await bad(client.updateRelease(release.id, { status: 'done' as never }));
      await bad(client.updateRelease(release.id, { version: 'v1' }));
      await bad(client.recordReleaseStep({ releaseId: release.id, step: 'party' as never, status: 'passed' }));
      await bad(client.recordReleaseStep({ releaseId: release.id, step: 'gates', status: 'meh' as never }));
      await bad(client.recordReleaseStep({ releaseId: release.id, step: 'gates', status: 'passed', environment: 'X' }));
      await bad(
        client.recordReleaseStep({
          releaseId: release.id,
          step: 'gates',
          status: 'passed',
          details: { big: 'x'.repeat(1024 * 1024) },
        }),
      );
      await bad(client.listReleases({ maxResults: 5000 }));
      await bad(client.listReleases({ status: 'nope' as never }));
      expect(await client.listReleaseSteps(release.id)).toEqual([]);
    });
  });
}
