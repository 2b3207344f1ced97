import { ALL_WEBHOOK_EVENTS } from '../../contract/webhooks-api.js';
import type { AuditEvent } from '../../storage/metadata/events.js';
import type { Db } from '../../storage/metadata/tracking/db.js';
import { insertDeliveries } from '../../storage/metadata/webhooks/deliveries.js';
import { selectActiveSubscriptionsFor } from '../../storage/metadata/webhooks/subscriptions.js';
import { parseEventKinds } from './webhook-rows.js';

/** The registered model an event is about: its payload's `model` (every registry event carries one). */
const modelOf = (event: AuditEvent): string | undefined =>
  typeof event.payload.model === 'string' ? event.payload.model : undefined;

/**
 * Queues one delivery per active subscription that matches the event (its model's and the global ones, by kind),
 * due now. Called by the registry inside the transaction that records the event, so deliveries exist exactly
 * when the change does. One select and at most one insert; no network I/O: the dispatcher sends them later.
 */
export async function enqueueWebhookDeliveries(db: Db, event: AuditEvent): Promise<void> {
  const candidates = await selectActiveSubscriptionsFor(db, modelOf(event));
  const matching = candidates.filter((subscription) => {
    const kinds = parseEventKinds(subscription.event_kinds);
    return kinds.includes(event.kind) || kinds.includes(ALL_WEBHOOK_EVENTS);
  });
  await insertDeliveries(
    db,
    event.id,
    matching.map((subscription) => subscription.id),
    event.time,
  );
}
