import type { WebhookSubscriptionRow } from '../../storage/metadata/schema.js';
import type { DeliveryListRow } from '../../storage/metadata/webhooks/deliveries.js';
import type { Webhook, WebhookDelivery } from './webhook-types.js';

/** The stored JSON list of kinds; a malformed one reads as no kinds (it never matches). */
export function parseEventKinds(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((kind): kind is string => typeof kind === 'string') : [];
  } catch {
    return [];
  }
}

export const toWebhook = (row: WebhookSubscriptionRow): Webhook => ({
  id: row.id,
  url: row.url,
  model: row.model_name,
  events: parseEventKinds(row.event_kinds),
  description: row.description,
  active: row.active === 1,
  createdTime: row.created_time,
});

export const toDelivery = (row: DeliveryListRow): WebhookDelivery => ({
  id: row.id,
  webhookId: row.subscription_id,
  eventId: row.event_id,
  eventKind: row.event_kind,
  subject: row.event_subject,
  status: row.status,
  attempts: row.attempts,
  nextAttemptTime: row.status === 'pending' ? row.next_attempt_time : null,
  lastStatusCode: row.last_status_code,
  lastError: row.last_error,
  createdTime: row.created_time,
  updatedTime: row.updated_time,
});
