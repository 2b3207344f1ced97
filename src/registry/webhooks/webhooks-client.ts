import type { CreateWebhookInput } from './create-webhook.js';
import type { ListWebhookDeliveriesInput } from './list-webhook-deliveries.js';
import type { ListWebhooksInput } from './list-webhooks.js';
import type { CreatedWebhook, Webhook, WebhookDeliveryPage, WebhookTestResult } from './webhook-types.js';

/**
 * Webhook management for the CLI and SDK: one port, two implementations (SQL over the use cases for a
 * `sqlite:`/`postgresql:` tracking URI, HTTP over the native API for a server), one contract suite.
 */
export interface WebhooksClient {
  createWebhook(input: CreateWebhookInput): Promise<CreatedWebhook>;
  listWebhooks(input?: ListWebhooksInput): Promise<Webhook[]>;
  getWebhook(id: number): Promise<Webhook>;
  deleteWebhook(id: number): Promise<void>;
  listDeliveries(input: ListWebhookDeliveriesInput): Promise<WebhookDeliveryPage>;
  testWebhook(id: number): Promise<WebhookTestResult>;
  close(): Promise<void>;
}
