import { z } from 'zod';

/**
 * The native webhooks API of `slipway server` (docs/webhooks.md):
 *   POST   /api/v1/webhooks                    create a subscription → 201 {webhook, secret} (the only time the secret is shown)
 *   GET    /api/v1/webhooks[?model=…]          {webhooks}
 *   GET    /api/v1/webhooks/{id}               {webhook}
 *   DELETE /api/v1/webhooks/{id}               204 (its deliveries go too)
 *   GET    /api/v1/webhooks/{id}/deliveries    {deliveries, next_before_id?} newest first; ?status=&limit=&before_id=
 *   POST   /api/v1/webhooks/{id}/test          send a `webhook.test` ping now → {delivered, status_code?, error?}
 */
export const WEBHOOKS_API_PATH = '/api/v1/webhooks';

/** The registry event kinds a subscription may name; `*` names them all. */
export const WEBHOOK_EVENT_KINDS = [
  'registered_model.created',
  'registered_model.renamed',
  'registered_model.updated',
  'registered_model.deleted',
  'registered_model.tag_set',
  'registered_model.tag_deleted',
  'model_version.created',
  'model_version.updated',
  'model_version.deleted',
  'model_version.tag_set',
  'model_version.tag_deleted',
  'alias.set',
  'alias.deleted',
  'stage.transitioned',
  'deployment.deploy',
  'deployment.promote',
  'deployment.canary',
  'deployment.rollback',
  'deployment.release',
  'deployment.deleted',
  'release.updated',
] as const;

export const ALL_WEBHOOK_EVENTS = '*';

/** The kind of the ping `POST /api/v1/webhooks/{id}/test` sends (never stored, never subscribable). */
export const WEBHOOK_TEST_KIND = 'webhook.test';

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export const createWebhookRequestSchema = z.strictObject({
  url: z.string({ error: 'must be a string' }),
  /** A registered model name; absent or null for every model. */
  model: z.string({ error: 'must be a string' }).nullish(),
  events: z.array(z.string({ error: 'must be a string' }), { error: 'must be a list of event kinds' }),
  /** Absent: the server generates one and returns it once. */
  secret: z.string({ error: 'must be a string' }).optional(),
  description: z.string({ error: 'must be a string' }).optional(),
});

export type CreateWebhookRequest = z.infer<typeof createWebhookRequestSchema>;

export const webhookSchema = z.object({
  id: z.number(),
  url: z.string(),
  model: z.string().nullable(),
  events: z.array(z.string()),
  description: z.string(),
  active: z.boolean(),
  created_time: z.number(),
});

export type WebhookMessage = z.infer<typeof webhookSchema>;

export const createWebhookResponseSchema = z.object({ webhook: webhookSchema, secret: z.string() });
export const getWebhookResponseSchema = z.object({ webhook: webhookSchema });
export const listWebhooksResponseSchema = z.object({ webhooks: z.array(webhookSchema) });

export const listWebhooksQuerySchema = z.strictObject({ model: z.string().optional() });

export const webhookDeliverySchema = z.object({
  id: z.number(),
  webhook_id: z.number(),
  event_id: z.number(),
  event_kind: z.string(),
  subject: z.string(),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attempts: z.number(),
  next_attempt_time: z.number().nullable(),
  last_status_code: z.number().nullable(),
  last_error: z.string().nullable(),
  created_time: z.number(),
  updated_time: z.number(),
});

export type WebhookDeliveryMessage = z.infer<typeof webhookDeliverySchema>;

const positiveInt = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, { error: 'must be a positive integer' })
  .transform(Number);

export const listDeliveriesQuerySchema = z.strictObject({
  status: z.enum(WEBHOOK_DELIVERY_STATUSES, { error: 'must be pending, delivered or failed' }).optional(),
  limit: positiveInt.optional(),
  before_id: positiveInt.optional(),
});

export const listDeliveriesResponseSchema = z.object({
  deliveries: z.array(webhookDeliverySchema),
  next_before_id: z.number().optional(),
});

export const testWebhookResponseSchema = z.object({
  delivered: z.boolean(),
  status_code: z.number().optional(),
  error: z.string().optional(),
});

export type TestWebhookResponse = z.infer<typeof testWebhookResponseSchema>;
