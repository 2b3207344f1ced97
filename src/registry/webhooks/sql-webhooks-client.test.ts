import { appendEvent } from '../../storage/metadata/events.js';
import { forEachDialect } from '../../storage/metadata/testing/for-each-dialect.js';
import { enqueueWebhookDeliveries } from './enqueue-webhook-deliveries.js';
import { createSqlWebhooksClient } from './sql-webhooks-client.js';
import { webhooksClientContract } from './webhooks-client.contract.js';

forEachDialect('SQL webhooks client', ({ open }) => {
  webhooksClientContract(async () => {
    const store = await open();
    return {
      client: createSqlWebhooksClient({ metadata: store, outbound: { allowPrivateTargets: true } }),
      emit: async (kind, model) => {
        const event = await appendEvent(store.db, {
          actor: 'ann',
          kind,
          subject: `models/${model}`,
          payload: { model },
        });
        await enqueueWebhookDeliveries(store.db, event);
      },
    };
  });
});
