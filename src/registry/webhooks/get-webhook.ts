import { requireWebhook } from './validate-webhook.js';
import { toWebhook } from './webhook-rows.js';
import type { Webhook, WebhookDeps } from './webhook-types.js';

/** One subscription, without its secret; RESOURCE_DOES_NOT_EXIST when the id names none. */
export async function getWebhook(
  deps: Pick<WebhookDeps, 'metadata'>,
  input: { readonly id: number },
): Promise<Webhook> {
  return toWebhook(await requireWebhook(deps.metadata.db, input.id));
}
