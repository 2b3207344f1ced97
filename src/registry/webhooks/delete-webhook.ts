import { deleteSubscription } from '../../storage/metadata/webhooks/subscriptions.js';
import { requireWebhook } from './validate-webhook.js';
import type { WebhookDeps } from './webhook-types.js';

/** Deletes a subscription and its deliveries (pending ones are never sent); RESOURCE_DOES_NOT_EXIST if none. */
export async function deleteWebhook(
  deps: Pick<WebhookDeps, 'metadata'>,
  input: { readonly id: number },
): Promise<void> {
  const { db } = deps.metadata;
  // Nothing deleted: requireWebhook throws the not-found error.
  if (!(await deleteSubscription(db, input.id))) await requireWebhook(db, input.id);
}
