import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load-config.js';
import { type HttpReceiver, startHttpReceiver } from '../../lib/testing/http-receiver.js';
import { enqueueWebhookDeliveries } from '../../registry/webhooks/enqueue-webhook-deliveries.js';
import { verifyWebhookSignature } from '../../registry/webhooks/sign-webhook.js';
import { appendEvent } from '../../storage/metadata/events.js';
import type { MetadataStore } from '../../storage/metadata/open-metadata.js';
import { forEachDialect } from '../../storage/metadata/testing/for-each-dialect.js';
import { openObjectStore } from '../../storage/objects/registry.js';
import { buildApp } from '../build-app.js';

const HOST = 'localhost:5000';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openApp(metadata: MetadataStore, allowPrivate: boolean): Promise<FastifyInstance> {
  const env = allowPrivate ? { SLIPWAY_WEBHOOKS_ALLOW_PRIVATE_TARGETS: '1' } : {};
  const config = await loadConfig({ flags: {}, env, cwd: '/nonexistent/cwd', homeDir: '/nonexistent/home' });
  const objects = await openObjectStore('memory://');
  const app = buildApp({ config, metadata, objects, version: '0.0.0-test' });
  cleanups.push(async () => {
    await app.close();
    await objects.close();
  });
  return app;
}

async function receiver(): Promise<HttpReceiver> {
  const started = await startHttpReceiver((_request, _index, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('internal-only page: do not leak');
  });
  cleanups.push(() => started.close());
  return started;
}

const call = (app: FastifyInstance, method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) =>
  app.inject({
    method,
    url,
    headers: { host: HOST, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });

function expectError(response: LightMyRequestResponse, status: number, code: string): string {
  expect({ status: response.statusCode, code: response.json().error_code }).toEqual({ status, code });
  return response.json().message as string;
}

forEachDialect('webhook routes', ({ open }) => {
  it('creates, lists, gets and deletes a webhook; the secret is shown only once', async () => {
    const store = await open();
    const app = await openApp(store, true);
    const target = await receiver();
    const created = await call(app, 'POST', '/api/v1/webhooks', {
      url: `${target.url}/in`,
      model: 'wine',
      events: ['alias.set', 'model_version.created'],
      description: 'CI trigger',
    });
    expect(created.statusCode).toBe(201);
    const { webhook, secret } = created.json();
    expect(webhook).toEqual({
      id: expect.any(Number),
      url: `${target.url}/in`,
      model: 'wine',
      events: ['alias.set', 'model_version.created'],
      description: 'CI trigger',
      active: true,
      created_time: expect.any(Number),
    });
    const list = await call(app, 'GET', '/api/v1/webhooks');
    expect(list.json()).toEqual({ webhooks: [webhook] });
    expect((await call(app, 'GET', '/api/v1/webhooks?model=beer')).json()).toEqual({ webhooks: [] });
    const one = await call(app, 'GET', `/api/v1/webhooks/${webhook.id}`);
    expect(one.json()).toEqual({ webhook });
    for (const response of [list, one]) expect(response.body).not.toContain(secret);
    expect((await call(app, 'DELETE', `/api/v1/webhooks/${webhook.id}`)).statusCode).toBe(204);
    expectError(await call(app, 'GET', `/api/v1/webhooks/${webhook.id}`), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('refuses bad input with INVALID_PARAMETER_VALUE naming the field', async () => {
    const app = await openApp(await open(), false);
    const loopback = await call(app, 'POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:1/', events: ['*'] });
    expect(expectError(loopback, 400, 'INVALID_PARAMETER_VALUE')).toMatch(/'url'.*loopback/);
    const metadata = await call(app, 'POST', '/api/v1/webhooks', { url: 'http://169.254.169.254/', events: ['*'] });
    expect(expectError(metadata, 400, 'INVALID_PARAMETER_VALUE')).toMatch(/metadata/);
    const kinds = await call(app, 'POST', '/api/v1/webhooks', { url: 'http://127.0.0.1/', events: 'alias.set' });
    expect(expectError(kinds, 400, 'INVALID_PARAMETER_VALUE')).toMatch(/'events'/);
    const extra = await call(app, 'POST', '/api/v1/webhooks', { url: 'http://x/', events: ['*'], owner: 'me' });
    expectError(extra, 400, 'INVALID_PARAMETER_VALUE');
    expect(expectError(await call(app, 'GET', '/api/v1/webhooks/abc'), 400, 'INVALID_PARAMETER_VALUE')).toMatch(/'id'/);
    const status = await call(app, 'GET', '/api/v1/webhooks/1/deliveries?status=lost');
    expect(expectError(status, 400, 'INVALID_PARAMETER_VALUE')).toMatch(/'status'/);
    expect((await call(app, 'GET', '/api/v1/webhooks')).json()).toEqual({ webhooks: [] });
  });

  it('lists deliveries newest first, with paging', async () => {
    const store = await open();
    const app = await openApp(store, true);
    const target = await receiver();
    const { webhook } = (await call(app, 'POST', '/api/v1/webhooks', { url: target.url, events: ['*'] })).json();
    for (const kind of ['alias.set', 'alias.deleted']) {
      const event = await appendEvent(store.db, {
        actor: 'ann',
        kind,
        subject: 'models/wine',
        payload: { model: 'wine' },
      });
      await enqueueWebhookDeliveries(store.db, event);
    }
    const page = (await call(app, 'GET', `/api/v1/webhooks/${webhook.id}/deliveries?limit=1`)).json();
    expect(page).toEqual({
      deliveries: [
        {
          id: expect.any(Number),
          webhook_id: webhook.id,
          event_id: expect.any(Number),
          event_kind: 'alias.deleted',
          subject: 'models/wine',
          status: 'pending',
          attempts: 0,
          next_attempt_time: expect.any(Number),
          last_status_code: null,
          last_error: null,
          created_time: expect.any(Number),
          updated_time: expect.any(Number),
        },
      ],
      next_before_id: page.deliveries[0].id,
    });
    const next = await call(app, 'GET', `/api/v1/webhooks/${webhook.id}/deliveries?before_id=${page.next_before_id}`);
    expect(next.json().deliveries.map((d: { event_kind: string }) => d.event_kind)).toEqual(['alias.set']);
  });

  it('sends a signed test ping and returns the status, never the receiver body', async () => {
    const app = await openApp(await open(), true);
    const target = await receiver();
    const created = (await call(app, 'POST', '/api/v1/webhooks', { url: target.url, events: ['*'] })).json();
    const response = await call(app, 'POST', `/api/v1/webhooks/${created.webhook.id}/test`);
    expect(response.json()).toEqual({ delivered: true, status_code: 200 });
    expect(response.body).not.toContain('internal-only');
    const [ping] = target.requests;
    expect(JSON.parse(ping?.body ?? '')).toMatchObject({
      id: 0,
      kind: 'webhook.test',
      subject: `webhooks/${created.webhook.id}`,
    });
    const header = String(ping?.headers['slipway-signature']);
    expect(verifyWebhookSignature({ secret: created.secret, body: ping?.body ?? '', header })).toBe(true);
  });
});

describe('webhooks.allowPrivateTargets', () => {
  it('may not be set in a workspace config file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'slipway-webhooks-config-'));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    await mkdir(join(root, '.slipway'));
    await writeFile(join(root, '.slipway', 'config.yaml'), 'schema: 1\nwebhooks:\n  allowPrivateTargets: true\n');
    const loading = loadConfig({ flags: {}, env: {}, cwd: root, homeDir: join(root, 'home') });
    await expect(loading).rejects.toThrow(/webhooks\.allowPrivateTargets: may not be set in a workspace config file/);
    const fromEnv = await loadConfig({
      env: { SLIPWAY_WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true' },
      cwd: '/nonexistent',
      homeDir: join(root, 'home'),
    });
    expect(fromEnv.webhooks.allowPrivateTargets).toBe(true);
  });
});
