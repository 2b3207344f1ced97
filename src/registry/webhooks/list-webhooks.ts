import { selectSubscriptions } from '../../storage/metadata/webhooks/subscriptions.js';
import { checkModelName } from './validate-webhook.js';
import { toWebhook } from './webhook-rows.js';
import type { Webhook, WebhookDeps } from './webhook-types.js';

export interface ListWebhooksInput {
  /** Only this model's subscriptions (not the global ones). */
  readonly model?: string | undefined;
}

/** Every subscription (at most WEBHOOK_LIMITS.maxSubscriptions), in id order; secrets are never included. */
export async function listWebhooks(
  deps: Pick<WebhookDeps, 'metadata'>,
  input: ListWebhooksInput = {},
): Promise<Webhook[]> {
  const model = input.model === undefined ? undefined : checkModelName('model', input.model);
  return (await selectSubscriptions(deps.metadata.db, model)).map(toWebhook);
}
