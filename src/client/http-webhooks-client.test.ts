import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import { enqueueWebhookDeliveries } from '../registry/webhooks/enqueue-webhook-deliveries.js';
import { webhooksClientContract } from '../registry/webhooks/webhooks-client.contract.js';
import { buildApp } from '../server/build-app.js';
import { appendEvent } from '../storage/metadata/events.js';
import { forEachDialect } from '../storage/metadata/testing/for-each-dialect.js';
import { openObjectStore } from '../storage/objects/registry.js';
import { createHttpWebhooksClient } from './http-webhooks-client.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

forEachDialect('HTTP webhooks client', ({ open }) => {
  webhooksClientContract(async () => {
    const metadata = await open();
    const env = { SLIPWAY_WEBHOOKS_ALLOW_PRIVATE_TARGETS: '1' };
    const config = await loadConfig({ flags: {}, env, cwd: '/nonexistent/cwd', homeDir: '/nonexistent/home' });
    const objects = await openObjectStore('memory://');
    const app = buildApp({ config, metadata, objects, version: '0.0.0-test' });
    await app.listen({ host: '127.0.0.1', port: 0 });
    cleanups.push(
      () => objects.close(),
      () => app.close(),
    );
    const { port } = app.server.address() as AddressInfo;
    return {
      client: createHttpWebhooksClient({ baseUrl: `http://127.0.0.1:${port}` }),
      emit: async (kind, model) => {
        const event = await appendEvent(metadata.db, {
          actor: 'ann',
          kind,
          subject: `models/${model}`,
          payload: { model },
        });
        await enqueueWebhookDeliveries(metadata.db, event);
      },
    };
  });
});
