import { expect, it } from 'vitest';
import { createWebhook } from '../../registry/webhooks/create-webhook.js';
import { listWebhookDeliveries } from '../../registry/webhooks/list-webhook-deliveries.js';
import { forEachDialect } from '../../storage/metadata/testing/for-each-dialect.js';
import { allTrafficTo } from './deployment-types.js';
import { createSqlDeploymentsClient } from './sql-deployments-client.js';

forEachDialect('deployment changes and release outcomes queue webhook deliveries', ({ open }) => {
  it('queues a delivery for a rollback and a release status change, per model, in the change transaction', async () => {
    const metadata = await open();
    const hooks = { metadata, outbound: { allowPrivateTargets: true } };
    const rollbacks = await createWebhook(hooks, {
      url: 'http://127.0.0.1:9/',
      model: 'wine',
      events: ['deployment.rollback', 'release.updated'],
    });
    const beerOnly = await createWebhook(hooks, { url: 'http://127.0.0.1:9/', model: 'beer', events: ['*'] });
    const client = createSqlDeploymentsClient({ metadata, actor: 'ci' });
    const target = { kind: 'local' as const, port: 5101 };
    await client.applyDeployment({
      model: 'wine',
      environment: 'production',
      target,
      policy: allTrafficTo('1'),
      action: 'deploy',
    });
    await client.applyDeployment({
      model: 'wine',
      environment: 'production',
      policy: allTrafficTo('2'),
      action: 'promote',
    });
    await client.applyDeployment({
      model: 'wine',
      environment: 'production',
      policy: allTrafficTo('1'),
      action: 'rollback',
    });
    const release = await client.createRelease({ model: 'wine', target: 'production' });
    await client.updateRelease(release.id, { status: 'rolled_back' });
    await expect(
      client.applyDeployment({
        model: 'wine',
        environment: 'production',
        policy: allTrafficTo('1'),
        action: 'rollback',
        expectedRevision: 1,
      }),
    ).rejects.toThrow();

    const deliveries = (await listWebhookDeliveries({ metadata }, { id: rollbacks.webhook.id })).deliveries;
    expect(deliveries.map((d) => [d.eventKind, d.subject, d.status]).reverse()).toEqual([
      ['deployment.rollback', 'deployments/wine/production', 'pending'],
      ['release.updated', `releases/${release.id}`, 'pending'],
    ]);
    expect((await listWebhookDeliveries({ metadata }, { id: beerOnly.webhook.id })).deliveries).toEqual([]);
  });
});
