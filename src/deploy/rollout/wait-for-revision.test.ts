import { afterEach, describe, expect, it } from 'vitest';
import { allTrafficTo } from '../deployments/deployment-types.js';
import { createMemoryDeploymentsClient } from '../deployments/testing/memory-deployments-client.js';
import { type DeploymentFollower, followDeployment } from './testing/deployment-follower.js';
import { servingRevisionWaiter } from './wait-for-revision.js';

const client = createMemoryDeploymentsClient('ci');
let follower: DeploymentFollower | undefined;
afterEach(() => follower?.close());

const deploy = (version: string) =>
  client.applyDeployment({
    model: 'wine',
    environment: 'staging',
    target: { kind: 'local', port: 5101 },
    policy: allTrafficTo(version),
    action: 'deploy',
  });

describe('servingRevisionWaiter', () => {
  it('waits through 503 until the revision is applied, then refuses another deployment answering', async () => {
    let ready = false;
    follower = await followDeployment({
      client,
      model: 'wine',
      environment: 'staging',
      apply: async (deployment) => {
        if (!ready) throw new Error(`cannot load version ${deployment.policy.routes[0]?.version} yet`);
      },
    });
    const waiter = (model: string, timeoutMs = 5000) =>
      servingRevisionWaiter({ url: follower?.url ?? '', model, environment: 'staging', pollMs: 5, timeoutMs });
    await deploy('1');
    await expect(waiter('wine', 200)(1)).rejects.toThrow(
      expect.objectContaining({ code: 'DEADLINE_EXCEEDED', message: expect.stringMatching(/not ready \(503\)/) }),
    );
    ready = true;
    await expect(waiter('wine')(1)).resolves.toMatchObject({ revision: 1, policy: allTrafficTo('1') });
    ready = false;
    await deploy('2');
    await expect(waiter('wine', 200)(2)).rejects.toThrow(
      /did not apply revision 2 in time \(at revision 1\)\. Its last error: cannot load version 2 yet/,
    );
    await expect(waiter('other')(2)).rejects.toThrow(
      expect.objectContaining({ code: 'INVALID_STATE', message: expect.stringMatching(/serves the deployment wine/) }),
    );
  });
});
