import { invalidParameter } from '../../domain/errors.js';
import { selectDeliveries } from '../../storage/metadata/webhooks/deliveries.js';
import { requireWebhook } from './validate-webhook.js';
import { toDelivery } from './webhook-rows.js';
import {
  WEBHOOK_LIMITS,
  type WebhookDeliveryPage,
  type WebhookDeliveryStatus,
  type WebhookDeps,
} from './webhook-types.js';

export interface ListWebhookDeliveriesInput {
  readonly id: number;
  readonly status?: WebhookDeliveryStatus | undefined;
  /** 1 to WEBHOOK_LIMITS.deliveriesPage; default WEBHOOK_LIMITS.defaultDeliveriesPage. */
  readonly limit?: number | undefined;
  /** Continue after the previous page: its `nextBeforeId`. */
  readonly beforeId?: number | undefined;
}

function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return WEBHOOK_LIMITS.defaultDeliveriesPage;
  if (Number.isSafeInteger(limit) && limit >= 1 && limit <= WEBHOOK_LIMITS.deliveriesPage) return limit;
  throw invalidParameter(
    `Invalid value ${limit} for parameter 'limit': must be an integer from 1 to ${WEBHOOK_LIMITS.deliveriesPage}.`,
  );
}

/** A subscription's deliveries, newest first, with status, attempts, last status code and last error. */
export async function listWebhookDeliveries(
  deps: Pick<WebhookDeps, 'metadata'>,
  input: ListWebhookDeliveriesInput,
): Promise<WebhookDeliveryPage> {
  const limit = checkLimit(input.limit);
  const { db } = deps.metadata;
  await requireWebhook(db, input.id);
  const rows = await selectDeliveries(db, {
    subscriptionId: input.id,
    status: input.status,
    beforeId: input.beforeId,
    limit,
  });
  const deliveries = rows.map(toDelivery);
  const last = deliveries.at(-1);
  return deliveries.length === limit && last !== undefined ? { deliveries, nextBeforeId: last.id } : { deliveries };
}
