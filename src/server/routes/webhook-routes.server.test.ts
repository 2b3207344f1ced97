import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, expect, it, vi } from 'vitest';
import { loadConfig } from '../../config/load-config.js';
import { type HttpReceiver, respondWith, startHttpReceiver } from '../../lib/testing/http-receiver.js';
import { enqueueWebhookDeliveries } from '../../registry/webhooks/enqueue-webhook-deliveries.js';
import { appendEvent } from '../../storage/metadata/events.js';
import { type MetadataStore, openMetadata } from '../../storage/metadata/open-metadata.js';
import { type RunningServer, startServer } from '../main.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('slipway server runs the dispatcher: a queued delivery reaches the receiver, and it stops with the server', async () => {
  const home = await mkdtemp(join(tmpdir(), 'slipway-webhooks-server-'));
  cleanups.push(() => rm(home, { recursive: true, force: true }));
  const env = { SLIPWAY_WEBHOOKS_ALLOW_PRIVATE_TARGETS: '1' };
  const config = await loadConfig({ flags: { home, server: { port: 0 } }, env, cwd: home, homeDir: home });
  const server: RunningServer = await startServer(config, { logger: pino({ level: 'silent' }), handleSignals: false });
  cleanups.push(() => server.close());
  const receiver: HttpReceiver = await startHttpReceiver(respondWith(200));
  cleanups.push(() => receiver.close());

  const created = await fetch(`${server.url}/api/v1/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: `${receiver.url}/hook`, events: ['alias.set'] }),
  });
  expect(created.status).toBe(201);

  // Another process (here: another connection) records a registry change and its outbox row.
  const writer: MetadataStore = await openMetadata(config.metadata.uri);
  cleanups.push(() => writer.close());
  const event = await appendEvent(writer.db, {
    actor: 'ann',
    kind: 'alias.set',
    subject: 'models/wine',
    payload: { model: 'wine', alias: 'production', version: 3 },
  });
  await enqueueWebhookDeliveries(writer.db, event);

  await vi.waitFor(() => expect(receiver.requests).toHaveLength(1), { timeout: 10_000, interval: 50 });
  expect(JSON.parse(receiver.requests[0]?.body ?? '')).toMatchObject({ id: event.id, kind: 'alias.set' });

  await server.close();
  await enqueueWebhookDeliveries(writer.db, await appendEvent(writer.db, { ...event, time: Date.now() }));
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(receiver.requests).toHaveLength(1);
});
