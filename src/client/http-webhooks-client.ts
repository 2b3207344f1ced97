import { z } from 'zod';
import {
  createWebhookResponseSchema,
  getWebhookResponseSchema,
  listDeliveriesResponseSchema,
  listWebhooksResponseSchema,
  testWebhookResponseSchema,
  WEBHOOKS_API_PATH,
  type WebhookDeliveryMessage,
  type WebhookMessage,
} from '../contract/webhooks-api.js';
import type { Webhook, WebhookDelivery } from '../registry/webhooks/webhook-types.js';
import type { WebhooksClient } from '../registry/webhooks/webhooks-client.js';
import { DEFAULT_TIMEOUT_MS, errorFromBody, errorFromFailure, parseOk } from './mlflow-http.js';

export interface HttpWebhooksClientOptions {
  /** `http(s)://host:port[/prefix]` of a Slipway server. */
  readonly baseUrl: string;
  /** Per request; default 30 s (a test ping waits for the receiver, at most 10 s). */
  readonly timeoutMs?: number | undefined;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string | undefined;
}

const toWebhook = (m: WebhookMessage): Webhook => ({
  id: m.id,
  url: m.url,
  model: m.model,
  events: m.events,
  description: m.description,
  active: m.active,
  createdTime: m.created_time,
});

const toDelivery = (m: WebhookDeliveryMessage): WebhookDelivery => ({
  id: m.id,
  webhookId: m.webhook_id,
  eventId: m.event_id,
  eventKind: m.event_kind,
  subject: m.subject,
  status: m.status,
  attempts: m.attempts,
  nextAttemptTime: m.next_attempt_time,
  lastStatusCode: m.last_status_code,
  lastError: m.last_error,
  createdTime: m.created_time,
  updatedTime: m.updated_time,
});

type Method = 'GET' | 'POST' | 'DELETE';

/** The webhooks port over a server's native API (contract/webhooks-api.ts). */
export function createHttpWebhooksClient(options: HttpWebhooksClientOptions): WebhooksClient {
  const base = `${options.baseUrl.replace(/\/+$/, '')}${WEBHOOKS_API_PATH}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const auth: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  async function call<S extends z.ZodType>(
    method: Method,
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<z.infer<S>> {
    const url = `${base}${path}`;
    const json: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    let response: Response;
    try {
      const signal = AbortSignal.timeout(timeoutMs);
      response = await fetch(url, {
        method,
        headers: { ...auth, ...json },
        signal,
        body: body === undefined ? null : JSON.stringify(body),
      });
    } catch (error) {
      throw errorFromFailure(options.baseUrl, url, error, timeoutMs);
    }
    const text = await response.text();
    if (!response.ok) throw errorFromBody(url, response.status, text);
    return parseOk(url, text, schema);
  }
  return {
    async createWebhook(input) {
      const body = {
        url: input.url,
        model: input.model ?? null,
        events: input.events,
        secret: input.secret,
        description: input.description,
      };
      const created = await call('POST', '', createWebhookResponseSchema, body);
      return { webhook: toWebhook(created.webhook), secret: created.secret };
    },
    async listWebhooks(input = {}) {
      const query = input.model === undefined ? '' : `?${new URLSearchParams({ model: input.model })}`;
      return (await call('GET', query, listWebhooksResponseSchema)).webhooks.map(toWebhook);
    },
    getWebhook: async (id) => toWebhook((await call('GET', `/${id}`, getWebhookResponseSchema)).webhook),
    async deleteWebhook(id) {
      await call('DELETE', `/${id}`, z.object({}));
    },
    async listDeliveries(input) {
      const query = new URLSearchParams();
      if (input.status !== undefined) query.set('status', input.status);
      if (input.limit !== undefined) query.set('limit', String(input.limit));
      if (input.beforeId !== undefined) query.set('before_id', String(input.beforeId));
      const page = await call('GET', `/${input.id}/deliveries?${query}`, listDeliveriesResponseSchema);
      const deliveries = page.deliveries.map(toDelivery);
      return page.next_before_id === undefined ? { deliveries } : { deliveries, nextBeforeId: page.next_before_id };
    },
    async testWebhook(id) {
      const result = await call('POST', `/${id}/test`, testWebhookResponseSchema);
      return {
        delivered: result.delivered,
        ...(result.status_code === undefined ? {} : { statusCode: result.status_code }),
        ...(result.error === undefined ? {} : { error: result.error }),
      };
    },
    close: async () => {},
  };
}
