import type { OutboundPolicy } from '../../lib/outbound-url.js';
import type { MetadataStore } from '../../storage/metadata/open-metadata.js';
import type { WebhookDeliveryStatus } from '../../storage/metadata/schema.js';

export type { WebhookDeliveryStatus } from '../../storage/metadata/schema.js';

/** What the webhook use cases need: the metadata store, the outbound URL policy, and a clock. */
export interface WebhookDeps {
  readonly metadata: Pick<MetadataStore, 'db'>;
  readonly outbound: OutboundPolicy;
  /** Defaults to Date.now. */
  readonly now?: () => number;
}

/** A subscription as every API shows it: never with its secret. */
export interface Webhook {
  readonly id: number;
  readonly url: string;
  /** The registered model it is about, or null for every model. */
  readonly model: string | null;
  /** Event kinds; `*` for every kind. */
  readonly events: readonly string[];
  readonly description: string;
  readonly active: boolean;
  readonly createdTime: number;
}

/** The answer to creating a subscription: the only time its secret is shown. */
export interface CreatedWebhook {
  readonly webhook: Webhook;
  readonly secret: string;
}

export interface WebhookDelivery {
  readonly id: number;
  readonly webhookId: number;
  readonly eventId: number;
  readonly eventKind: string;
  readonly subject: string;
  readonly status: WebhookDeliveryStatus;
  readonly attempts: number;
  /** When a pending delivery is tried next; null once it is delivered or failed. */
  readonly nextAttemptTime: number | null;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly createdTime: number;
  readonly updatedTime: number;
}

export interface WebhookDeliveryPage {
  readonly deliveries: readonly WebhookDelivery[];
  /** Pass as `beforeId` for the next (older) page; absent on the last page. */
  readonly nextBeforeId?: number;
}

/** The outcome of `POST /webhooks/{id}/test`: a status at most, never the receiver's body. */
export interface WebhookTestResult {
  readonly delivered: boolean;
  readonly statusCode?: number;
  readonly error?: string;
}

export const WEBHOOK_LIMITS = {
  /** Subscriptions per store: enqueueing reads all of a model's and all global ones on every registry write. */
  maxSubscriptions: 1000,
  maxEventKinds: 32,
  modelName: 256,
  description: 1000,
  minSecret: 16,
  maxSecret: 256,
  deliveriesPage: 1000,
  defaultDeliveriesPage: 100,
  /** Characters of `last_error` kept. */
  lastError: 500,
} as const;

export const clock = (deps: Pick<WebhookDeps, 'now'>): number => (deps.now ?? Date.now)();
