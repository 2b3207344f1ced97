import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  createWebhookRequestSchema,
  listDeliveriesQuerySchema,
  listWebhooksQuerySchema,
  type TestWebhookResponse,
  WEBHOOKS_API_PATH,
  type WebhookDeliveryMessage,
  type WebhookMessage,
} from '../../contract/webhooks-api.js';
import { invalidParameter } from '../../domain/errors.js';
import { createWebhook } from '../../registry/webhooks/create-webhook.js';
import { deleteWebhook } from '../../registry/webhooks/delete-webhook.js';
import { getWebhook } from '../../registry/webhooks/get-webhook.js';
import { listWebhookDeliveries } from '../../registry/webhooks/list-webhook-deliveries.js';
import { listWebhooks } from '../../registry/webhooks/list-webhooks.js';
import { testWebhook } from '../../registry/webhooks/test-webhook.js';
import type {
  Webhook,
  WebhookDelivery,
  WebhookDeps,
  WebhookTestResult,
} from '../../registry/webhooks/webhook-types.js';
import type { AppDeps } from '../app-deps.js';
import { parseBody, parseQuery } from './mlflow/parse-request.js';

const ONE = `${WEBHOOKS_API_PATH}/:id`;

export const renderWebhook = (webhook: Webhook): WebhookMessage => ({
  id: webhook.id,
  url: webhook.url,
  model: webhook.model,
  events: [...webhook.events],
  description: webhook.description,
  active: webhook.active,
  created_time: webhook.createdTime,
});

const renderDelivery = (delivery: WebhookDelivery): WebhookDeliveryMessage => ({
  id: delivery.id,
  webhook_id: delivery.webhookId,
  event_id: delivery.eventId,
  event_kind: delivery.eventKind,
  subject: delivery.subject,
  status: delivery.status,
  attempts: delivery.attempts,
  next_attempt_time: delivery.nextAttemptTime,
  last_status_code: delivery.lastStatusCode,
  last_error: delivery.lastError,
  created_time: delivery.createdTime,
  updated_time: delivery.updatedTime,
});

const renderTest = (result: WebhookTestResult): TestWebhookResponse => ({
  delivered: result.delivered,
  ...(result.statusCode === undefined ? {} : { status_code: result.statusCode }),
  ...(result.error === undefined ? {} : { error: result.error }),
});

function idParam(request: FastifyRequest): number {
  const text = (request.params as { id?: string }).id ?? '';
  if (/^[1-9]\d{0,15}$/.test(text)) return Number(text);
  throw invalidParameter(
    `Invalid value ${JSON.stringify(text.slice(0, 40))} for parameter 'id': must be a webhook id.`,
    {
      hint: 'Webhook ids are positive integers; list them with GET /api/v1/webhooks.',
    },
  );
}

function registerReads(app: FastifyInstance, deps: WebhookDeps): void {
  app.get(WEBHOOKS_API_PATH, async (request) => {
    const query = parseQuery(listWebhooksQuerySchema, request.query);
    return { webhooks: (await listWebhooks(deps, { model: query.model })).map(renderWebhook) };
  });
  app.get(ONE, async (request) => ({ webhook: renderWebhook(await getWebhook(deps, { id: idParam(request) })) }));
  app.get(`${ONE}/deliveries`, async (request) => {
    const query = parseQuery(listDeliveriesQuerySchema, request.query);
    const input = { id: idParam(request), status: query.status, limit: query.limit, beforeId: query.before_id };
    const page = await listWebhookDeliveries(deps, input);
    return {
      deliveries: page.deliveries.map(renderDelivery),
      ...(page.nextBeforeId === undefined ? {} : { next_before_id: page.nextBeforeId }),
    };
  });
}

function registerWrites(app: FastifyInstance, deps: WebhookDeps): void {
  app.post(WEBHOOKS_API_PATH, async (request, reply) => {
    const body = parseBody(createWebhookRequestSchema, request.body);
    const created = await createWebhook(deps, body);
    return reply.code(201).send({ webhook: renderWebhook(created.webhook), secret: created.secret });
  });
  app.delete(ONE, async (request, reply) => {
    await deleteWebhook(deps, { id: idParam(request) });
    return reply.code(204).send();
  });
  app.post(`${ONE}/test`, async (request) => renderTest(await testWebhook(deps, { id: idParam(request) })));
}

/**
 * The native webhooks API (contract/webhooks-api.ts; docs/webhooks.md). Behind the same guards (Host allowlist,
 * auth) as every route. A secret is returned only by the create call; the test call returns a status, never the
 * receiver's body.
 */
export function registerWebhookRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'metadata' | 'config'>): void {
  const webhookDeps: WebhookDeps = {
    metadata: deps.metadata,
    outbound: { allowPrivateTargets: deps.config.webhooks.allowPrivateTargets },
  };
  registerReads(app, webhookDeps);
  registerWrites(app, webhookDeps);
}
