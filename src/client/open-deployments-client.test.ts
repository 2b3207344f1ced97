import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { allTrafficTo } from '../deploy/deployments/deployment-types.js';
import { openMetadata } from '../storage/metadata/open-metadata.js';
import { openObjectStore } from '../storage/objects/registry.js';
import { rejectsWithCode } from '../tracking/tracking-client.contract.js';
import { openDeploymentsClient } from './open-deployments-client.js';
import { listenApp } from './testing/listening-app.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('openDeploymentsClient', () => {
  it('opens a sqlite: URI directly (with the actor) and an http: URI through a server, on the same store', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-open-deployments-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const uri = `sqlite://${join(dir, 'slipway.db')}`;
    const direct = await openDeploymentsClient(uri, { actor: 'erin' });
    const deployed = await direct.applyDeployment({
      model: 'wine',
      environment: 'staging',
      target: { kind: 'local', port: 5101 },
      policy: allTrafficTo('1'),
      action: 'deploy',
    });
    expect(deployed.actor).toBe('erin');
    await direct.close();

    const metadata = await openMetadata(uri);
    const objects = await openObjectStore('memory://');
    const server = await listenApp(metadata, objects);
    cleanups.push(async () => {
      await server.close();
      await objects.close();
      await metadata.close();
    });
    const remote = await openDeploymentsClient(server.baseUrl, { actor: 'ignored' });
    expect((await remote.getDeployment('wine', 'staging'))?.actor).toBe('erin');
    await remote.close();
  });

  it('refuses an unknown scheme', async () => {
    await rejectsWithCode(openDeploymentsClient('ftp://x', { actor: 'a' }), 'INVALID_PARAMETER_VALUE');
  });
});
