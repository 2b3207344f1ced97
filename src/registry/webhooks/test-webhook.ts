import { randomUUID } from 'node:crypto';
import { WEBHOOK_TEST_KIND } from '../../contract/webhooks-api.js';
import { DEFAULT_WEBHOOK_HTTP, sendWebhook, type WebhookHttpOptions } from './send-webhook.js';
import { requireWebhook } from './validate-webhook.js';
import { clock, type WebhookDeps, type WebhookTestResult } from './webhook-types.js';

export interface TestWebhookInput {
  readonly id: number;
  /** Who asked, shown as the ping's actor. */
  readonly actor?: string | undefined;
}

/**
 * Sends a signed `webhook.test` ping to the subscription's URL now, through the same guard as deliveries, and
 * reports the status code or the failure. The receiver's body is never returned (it could be an internal page).
 * Nothing is stored.
 */
export async function testWebhook(
  deps: WebhookDeps & { readonly http?: WebhookHttpOptions },
  input: TestWebhookInput,
): Promise<WebhookTestResult> {
  const row = await requireWebhook(deps.metadata.db, input.id);
  const now = clock(deps);
  const envelope = {
    id: 0,
    kind: WEBHOOK_TEST_KIND,
    time: now,
    actor: input.actor ?? 'slipway',
    subject: `webhooks/${row.id}`,
    payload: { webhook_id: row.id, model: row.model_name },
  };
  const target = { url: row.url, secret: row.secret, deliveryId: `test-${randomUUID()}` };
  const outcome = await sendWebhook(target, envelope, {
    policy: deps.outbound,
    http: deps.http ?? DEFAULT_WEBHOOK_HTTP,
    nowMs: now,
  });
  return {
    delivered: outcome.delivered,
    ...(outcome.statusCode === null ? {} : { statusCode: outcome.statusCode }),
    ...(outcome.error === null ? {} : { error: outcome.error }),
  };
}
