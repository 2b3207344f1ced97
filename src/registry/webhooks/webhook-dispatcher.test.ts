import { afterEach, describe, expect, it, vi } from 'vitest';
import { type HttpReceiver, respondWith, startHttpReceiver } from '../../lib/testing/http-receiver.js';
import { appendEvent } from '../../storage/metadata/events.js';
import { type MetadataStore, openMetadata } from '../../storage/metadata/open-metadata.js';
import { forEachDialect } from '../../storage/metadata/testing/for-each-dialect.js';
import { createWebhook } from './create-webhook.js';
import { enqueueWebhookDeliveries } from './enqueue-webhook-deliveries.js';
import { verifyWebhookSignature } from './sign-webhook.js';
import { createWebhookDispatcher, type WebhookDispatcherOptions } from './webhook-dispatcher.js';

const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;
const OUTBOUND = { allowPrivateTargets: true };

const receivers: HttpReceiver[] = [];
const extraStores: MetadataStore[] = [];
afterEach(async () => {
  for (const receiver of receivers.splice(0)) await receiver.close();
  for (const store of extraStores.splice(0)) await store.close();
});

async function receiver(...args: Parameters<typeof startHttpReceiver>): Promise<HttpReceiver> {
  const started = await startHttpReceiver(...args);
  receivers.push(started);
  return started;
}

/** A store with one subscription to every event at `url`, a movable clock, and a dispatcher on both. */
async function setup(store: MetadataStore, url: string, options: WebhookDispatcherOptions = {}) {
  const clock = { now: T0 };
  const now = () => clock.now;
  const { webhook, secret } = await createWebhook({ metadata: store, outbound: OUTBOUND, now }, { url, events: ['*'] });
  const dispatcher = createWebhookDispatcher({ metadata: store, outbound: OUTBOUND, now, random: () => 0.5 }, options);
  const emit = async (kind = 'model_version.created') => {
    const event = await appendEvent(store.db, {
      time: clock.now,
      actor: 'ann',
      kind,
      subject: 'models/wine/versions/3',
      payload: { model: 'wine', version: 3 },
    });
    await enqueueWebhookDeliveries(store.db, event);
    return event;
  };
  const rows = () => store.db.selectFrom('webhook_deliveries').selectAll().orderBy('id').execute();
  return { clock, webhook, secret, dispatcher, emit, rows };
}

const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 60_000 };

forEachDialect('webhook dispatcher', ({ open, freshUri }) => {
  it('delivers a signed JSON envelope the receiver can verify', async () => {
    const target = await receiver(respondWith(200));
    const { dispatcher, emit, rows, secret } = await setup(await open(), `${target.url}/hooks`);
    const event = await emit();
    expect(await dispatcher.runOnce()).toBe(1);
    const [received] = target.requests;
    expect(JSON.parse(received?.body ?? '')).toEqual({
      id: event.id,
      kind: 'model_version.created',
      time: T0,
      actor: 'ann',
      subject: 'models/wine/versions/3',
      payload: { model: 'wine', version: 3 },
    });
    const [row] = await rows();
    expect(received?.headers).toMatchObject({
      'content-type': 'application/json',
      'slipway-event': 'model_version.created',
      'slipway-delivery': String(row?.id),
    });
    const header = String(received?.headers['slipway-signature']);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const now = Math.floor(T0 / 1000);
    expect(verifyWebhookSignature({ secret, body: received?.body ?? '', header, now })).toBe(true);
    expect(verifyWebhookSignature({ secret: 'wrong-secret-000000', body: received?.body ?? '', header, now })).toBe(
      false,
    );
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, last_status_code: 200, last_error: null });
  });

  it('retries after a 500 with backoff, then succeeds', async () => {
    const target = await receiver((_request, index, response) => response.writeHead(index === 0 ? 500 : 204).end());
    const { dispatcher, emit, rows, clock } = await setup(await open(), target.url, { retry: FAST_RETRY });
    await emit();
    await dispatcher.runOnce();
    const [afterFirst] = await rows();
    expect(afterFirst).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 500, last_error: 'HTTP 500' });
    // base 1000 ms with equal jitter at random 0.5: 750 ms
    expect(afterFirst?.next_attempt_time).toBe(T0 + 750);
    expect(await dispatcher.runOnce()).toBe(0);
    clock.now += 750;
    expect(await dispatcher.runOnce()).toBe(1);
    expect(await rows()).toMatchObject([{ status: 'delivered', attempts: 2, last_status_code: 204, last_error: null }]);
    expect(target.requests).toHaveLength(2);
  });

  it('gives up after the maximum number of attempts', async () => {
    const target = await receiver(respondWith(503));
    const { dispatcher, emit, rows, clock } = await setup(await open(), target.url, { retry: FAST_RETRY });
    await emit();
    for (let attempt = 0; attempt < 5; attempt++) {
      await dispatcher.runOnce();
      clock.now += HOUR;
    }
    expect(await rows()).toMatchObject([{ status: 'failed', attempts: 3, last_status_code: 503 }]);
    expect(target.requests).toHaveLength(3);
  });

  it('fails at once, without retrying, when a redirect leads to a refused address', async () => {
    const target = await receiver(respondWith(302, { location: 'http://169.254.169.254/latest/meta-data/' }));
    const { dispatcher, emit, rows, clock } = await setup(await open(), target.url, { retry: FAST_RETRY });
    await emit();
    await dispatcher.runOnce();
    clock.now += HOUR;
    expect(await dispatcher.runOnce()).toBe(0);
    const [row] = await rows();
    expect(row).toMatchObject({ status: 'failed', attempts: 1, last_status_code: null });
    expect(row?.last_error).toMatch(/^refused: .*169\.254\.169\.254 is a cloud metadata address/);
    expect(target.requests).toHaveLength(1);
  });

  it('records a timeout and retries later', async () => {
    const target = await receiver(() => {});
    const http = { timeoutMs: 200, maxRedirects: 3, maxResponseBytes: 1024 };
    const { dispatcher, emit, rows } = await setup(await open(), target.url, { retry: FAST_RETRY, http });
    await emit();
    await dispatcher.runOnce();
    expect(await rows()).toMatchObject([
      { status: 'pending', attempts: 1, last_error: 'timeout: no answer within 200 ms' },
    ]);
  });

  it('never sends a delivery twice when two dispatchers share the database', async () => {
    const target = await receiver(respondWith(200));
    const uri = await freshUri();
    const [a, b] = [await openMetadata(uri), await openMetadata(uri)];
    extraStores.push(a, b);
    const one = await setup(a, target.url, { batchSize: 5, concurrency: 2 });
    const other = createWebhookDispatcher(
      { metadata: b, outbound: OUTBOUND, now: () => one.clock.now },
      { batchSize: 5 },
    );
    for (let n = 0; n < 30; n++) await one.emit();
    const drain = async (runOnce: () => Promise<number>) => {
      while ((await runOnce()) > 0) {}
    };
    await Promise.all([drain(one.dispatcher.runOnce), drain(other.runOnce)]);
    const ids = target.requests.map((request) => request.headers['slipway-delivery']);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    expect((await one.rows()).every((row) => row.status === 'delivered' && row.attempts === 1)).toBe(true);
  });

  it('polls once started and stops cleanly', async () => {
    const target = await receiver(respondWith(200));
    const store = await open();
    const { emit, rows } = await setup(store, target.url);
    const dispatcher = createWebhookDispatcher({ metadata: store, outbound: OUTBOUND }, { pollIntervalMs: 20 });
    dispatcher.start();
    try {
      await emit();
      await vi.waitFor(async () => expect(await rows()).toMatchObject([{ status: 'delivered' }]), { timeout: 5000 });
    } finally {
      await dispatcher.stop();
    }
    await emit();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(target.requests).toHaveLength(1);
  });
});

describe('verifyWebhookSignature', () => {
  it('refuses stale timestamps and malformed headers', async () => {
    const { signWebhook } = await import('./sign-webhook.js');
    const header = signWebhook('s3cret-s3cret-s3cret', 1000, '{}');
    expect(verifyWebhookSignature({ secret: 's3cret-s3cret-s3cret', body: '{}', header, now: 1000 })).toBe(true);
    expect(verifyWebhookSignature({ secret: 's3cret-s3cret-s3cret', body: '{} ', header, now: 1000 })).toBe(false);
    expect(verifyWebhookSignature({ secret: 's3cret-s3cret-s3cret', body: '{}', header, now: 1301 })).toBe(false);
    expect(verifyWebhookSignature({ secret: 's3cret-s3cret-s3cret', body: '{}', header: 'v1=abc', now: 1000 })).toBe(
      false,
    );
  });
});
