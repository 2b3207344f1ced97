import { createWebhook } from './create-webhook.js';
import { deleteWebhook } from './delete-webhook.js';
import { getWebhook } from './get-webhook.js';
import { listWebhookDeliveries } from './list-webhook-deliveries.js';
import { listWebhooks } from './list-webhooks.js';
import { testWebhook } from './test-webhook.js';
import type { WebhookDeps } from './webhook-types.js';
import type { WebhooksClient } from './webhooks-client.js';

/** The webhooks port over the use cases, on a metadata store the caller opened; `close` runs `onClose`. */
export function createSqlWebhooksClient(
  deps: WebhookDeps,
  onClose: () => Promise<void> = async () => {},
): WebhooksClient {
  return {
    createWebhook: (input) => createWebhook(deps, input),
    listWebhooks: (input) => listWebhooks(deps, input),
    getWebhook: (id) => getWebhook(deps, { id }),
    deleteWebhook: (id) => deleteWebhook(deps, { id }),
    listDeliveries: (input) => listWebhookDeliveries(deps, input),
    testWebhook: (id) => testWebhook(deps, { id }),
    close: onClose,
  };
}
