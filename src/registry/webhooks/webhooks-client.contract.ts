import { afterEach, expect, it } from 'vitest';
import { SlipwayError } from '../../domain/errors.js';
import { type HttpReceiver, respondWith, startHttpReceiver } from '../../lib/testing/http-receiver.js';
import { verifyWebhookSignature } from './sign-webhook.js';
import type { WebhooksClient } from './webhooks-client.js';

/** A client on a fresh store that allows private targets, and a way to record a registry event on that store. */
export interface WebhooksClientHarness {
  readonly client: WebhooksClient;
  emit(kind: string, model: string): Promise<void>;
}

async function failure(promise: Promise<unknown>): Promise<SlipwayError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SlipwayError);
  return error as SlipwayError;
}

/** The behaviour every WebhooksClient implementation shares (run inside a describe per implementation). */
export function webhooksClientContract(open: () => Promise<WebhooksClientHarness>): void {
  const receivers: HttpReceiver[] = [];
  afterEach(async () => {
    for (const receiver of receivers.splice(0)) await receiver.close();
  });
  const receiver = async () => {
    const started = await startHttpReceiver(respondWith(200));
    receivers.push(started);
    return started;
  };

  it('creates, lists, gets and deletes; the secret comes only from create', async () => {
    const { client } = await open();
    const target = await receiver();
    const created = await client.createWebhook({ url: target.url, model: 'wine', events: ['alias.set'] });
    expect(created.secret).toMatch(/^whsec_/);
    expect(created.webhook).toMatchObject({ url: target.url, model: 'wine', events: ['alias.set'], active: true });
    expect(await client.listWebhooks()).toEqual([created.webhook]);
    expect(await client.listWebhooks({ model: 'beer' })).toEqual([]);
    expect(await client.getWebhook(created.webhook.id)).toEqual(created.webhook);
    await client.deleteWebhook(created.webhook.id);
    expect(await client.listWebhooks()).toEqual([]);
    expect((await failure(client.getWebhook(created.webhook.id))).code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect((await failure(client.deleteWebhook(created.webhook.id))).code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('refuses a bad URL or kind with INVALID_PARAMETER_VALUE', async () => {
    const { client } = await open();
    const metadata = await failure(client.createWebhook({ url: 'http://169.254.169.254/', events: ['*'] }));
    expect(metadata.code).toBe('INVALID_PARAMETER_VALUE');
    expect(metadata.message).toMatch(/'url'.*metadata/);
    const kind = await failure(client.createWebhook({ url: 'http://127.0.0.1/', events: ['nope'] }));
    expect(kind.message).toMatch(/'events\[0\]'/);
  });

  it('lists the deliveries of registry events, newest first', async () => {
    const harness = await open();
    const target = await receiver();
    const { webhook } = await harness.client.createWebhook({ url: target.url, events: ['*'] });
    await harness.emit('model_version.created', 'wine');
    await harness.emit('alias.set', 'wine');
    const page = await harness.client.listDeliveries({ id: webhook.id, limit: 1 });
    expect(page.deliveries).toMatchObject([{ webhookId: webhook.id, eventKind: 'alias.set', status: 'pending' }]);
    const rest = await harness.client.listDeliveries({ id: webhook.id, beforeId: page.nextBeforeId });
    expect(rest.deliveries.map((d) => d.eventKind)).toEqual(['model_version.created']);
    expect((await harness.client.listDeliveries({ id: webhook.id, status: 'delivered' })).deliveries).toEqual([]);
  });

  it('sends a signed test ping', async () => {
    const { client } = await open();
    const target = await receiver();
    const { webhook, secret } = await client.createWebhook({ url: target.url, events: ['*'] });
    expect(await client.testWebhook(webhook.id)).toEqual({ delivered: true, statusCode: 200 });
    const [ping] = target.requests;
    const header = String(ping?.headers['slipway-signature']);
    expect(verifyWebhookSignature({ secret, body: ping?.body ?? '', header })).toBe(true);
    target.respond(respondWith(500));
    expect(await client.testWebhook(webhook.id)).toEqual({ delivered: false, statusCode: 500, error: 'HTTP 500' });
  });
}
