import { expect, it } from 'vitest';
import { forEachDialect } from '../storage/metadata/testing/for-each-dialect.js';
import { createModelVersion } from './create-model-version.js';
import { createRegisteredModel } from './create-registered-model.js';
import { setAlias } from './set-alias.js';
import { registryFixture } from './testing/registry-fixture.js';
import { createWebhook } from './webhooks/create-webhook.js';
import { listWebhookDeliveries } from './webhooks/list-webhook-deliveries.js';

forEachDialect('registry changes queue webhook deliveries', ({ open }) => {
  it('queues one pending delivery per matching subscription, in the transaction of the change', async () => {
    const metadata = await open();
    const fixture = await registryFixture(metadata);
    const hooks = { metadata, outbound: { allowPrivateTargets: true } };
    const wineOnly = await createWebhook(hooks, { url: 'http://127.0.0.1:9/', model: 'wine', events: ['alias.set'] });
    const everything = await createWebhook(hooks, { url: 'http://127.0.0.1:9/', events: ['*'] });
    const otherModel = await createWebhook(hooks, { url: 'http://127.0.0.1:9/', model: 'beer', events: ['*'] });
    await createRegisteredModel(fixture.deps, { name: 'wine' });
    const runId = await fixture.logRun({ MLmodel: 'flavors: {}\n', 'model.onnx': 'w' });
    await createModelVersion(fixture.deps, { name: 'wine', source: `runs:/${runId}/model` });
    await setAlias(fixture.deps, { name: 'wine', alias: 'production', version: '1' });
    await expect(setAlias(fixture.deps, { name: 'wine', alias: 'production', version: '9' })).rejects.toThrow();

    const kinds = async (id: number) =>
      (await listWebhookDeliveries({ metadata }, { id })).deliveries.map((d) => [d.eventKind, d.status]).reverse();
    expect(await kinds(wineOnly.webhook.id)).toEqual([['alias.set', 'pending']]);
    expect(await kinds(everything.webhook.id)).toEqual([
      ['registered_model.created', 'pending'],
      ['model_version.created', 'pending'],
      ['alias.set', 'pending'],
    ]);
    expect(await kinds(otherModel.webhook.id)).toEqual([]);
  });
});
