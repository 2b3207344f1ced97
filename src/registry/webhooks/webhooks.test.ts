import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../../domain/errors.js';
import { appendEvent, type NewAuditEvent } from '../../storage/metadata/events.js';
import type { MetadataStore } from '../../storage/metadata/open-metadata.js';
import { forEachDialect } from '../../storage/metadata/testing/for-each-dialect.js';
import { createWebhook } from './create-webhook.js';
import { deleteWebhook } from './delete-webhook.js';
import { enqueueWebhookDeliveries } from './enqueue-webhook-deliveries.js';
import { getWebhook } from './get-webhook.js';
import { listWebhookDeliveries } from './list-webhook-deliveries.js';
import { listWebhooks } from './list-webhooks.js';
import type { WebhookDeps } from './webhook-types.js';

const PUBLIC = '93.184.216.34';
const deps = (store: MetadataStore, allowPrivateTargets = false): WebhookDeps => ({
  metadata: store,
  outbound: {
    allowPrivateTargets,
    resolve: async (host) => {
      if (host === 'hooks.example') return [{ address: PUBLIC, family: 4 }];
      if (host === 'internal.example') return [{ address: '10.1.2.3', family: 4 }];
      throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
    },
  },
  now: () => 1_700_000_000_000,
});

async function failure(promise: Promise<unknown>): Promise<SlipwayError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SlipwayError);
  return error as SlipwayError;
}

const event = (kind: string, model: string, extra: Partial<NewAuditEvent> = {}): NewAuditEvent => ({
  actor: 'ann',
  kind,
  subject: `models/${model}`,
  payload: { model },
  ...extra,
});

const deliveryRows = (store: MetadataStore) =>
  store.db.selectFrom('webhook_deliveries').select(['event_id', 'subscription_id', 'status']).orderBy('id').execute();

forEachDialect('webhook subscriptions', ({ open }) => {
  describe('createWebhook', () => {
    it('stores a subscription and returns a generated secret once', async () => {
      const store = await open();
      const created = await createWebhook(deps(store), {
        url: 'https://hooks.example/in',
        model: 'wine',
        events: ['model_version.created', 'alias.set', 'alias.set'],
      });
      expect(created.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
      expect(created.webhook).toEqual({
        id: expect.any(Number),
        url: 'https://hooks.example/in',
        model: 'wine',
        events: ['alias.set', 'model_version.created'],
        description: '',
        active: true,
        createdTime: 1_700_000_000_000,
      });
      expect(await getWebhook(deps(store), { id: created.webhook.id })).toEqual(created.webhook);
      expect(JSON.stringify(await listWebhooks(deps(store)))).not.toContain(created.secret);
    });

    it('keeps a given secret', async () => {
      const store = await open();
      const secret = 'my-shared-secret-0123456789';
      const created = await createWebhook(deps(store), { url: 'https://hooks.example/', events: ['*'], secret });
      expect(created.secret).toBe(secret);
      const row = await store.db.selectFrom('webhook_subscriptions').select('secret').executeTakeFirstOrThrow();
      expect(row.secret).toBe(secret);
    });

    const refused: [Record<string, unknown>, RegExp][] = [
      [{ url: 'ftp://hooks.example/' }, /'url'.*http or https/],
      [{ url: 'http://user:pw@hooks.example/' }, /'url'.*credentials/],
      [{ url: 'http://127.0.0.1:8080/' }, /'url'.*loopback/],
      [{ url: 'http://2130706433/' }, /'url'.*loopback/],
      [{ url: 'http://[::ffff:169.254.169.254]/' }, /'url'.*metadata/],
      [{ url: 'http://internal.example/' }, /'url'.*private/],
      [{ url: 'http://nowhere.example/' }, /'url'.*does not resolve/],
      [{ events: [] }, /'events' must list 1 to 32/],
      [{ events: ['alias.set', 'model.exploded'] }, /'events\[1\]'.*not a registry event kind/],
      [{ model: '' }, /'model'/],
      [{ model: 'x'.repeat(300) }, /'model'/],
      [{ secret: 'short' }, /'secret'/],
      [{ secret: 'has spaces in the secret!' }, /'secret'/],
      [{ description: 'd'.repeat(1001) }, /'description'/],
    ];
    const labelled = refused.map(
      ([change, message]) => [JSON.stringify(change).slice(0, 50), change, message] as const,
    );
    it.each(labelled)('refuses %s with INVALID_PARAMETER_VALUE naming the field', async (_label, change, message) => {
      const store = await open();
      const input = { url: 'https://hooks.example/', events: ['alias.set'], ...change };
      const error = await failure(createWebhook(deps(store), input));
      expect(error.code).toBe('INVALID_PARAMETER_VALUE');
      expect(error.message).toMatch(message);
      expect(await listWebhooks(deps(store))).toEqual([]);
    });

    it('accepts private targets when the config allows them, never metadata', async () => {
      const store = await open();
      const created = await createWebhook(deps(store, true), { url: 'http://127.0.0.1:9/x', events: ['*'] });
      expect(created.webhook.url).toBe('http://127.0.0.1:9/x');
      const error = await failure(createWebhook(deps(store, true), { url: 'http://169.254.169.254/', events: ['*'] }));
      expect(error.message).toMatch(/metadata/);
    });
  });

  describe('list, get and delete', () => {
    it('lists in id order, filters by model, and deletes with the deliveries', async () => {
      const store = await open();
      const global = await createWebhook(deps(store), { url: 'https://hooks.example/a', events: ['*'] });
      const wine = await createWebhook(deps(store), { url: 'https://hooks.example/b', events: ['*'], model: 'wine' });
      expect((await listWebhooks(deps(store))).map((w) => w.id)).toEqual([global.webhook.id, wine.webhook.id]);
      expect((await listWebhooks(deps(store), { model: 'wine' })).map((w) => w.id)).toEqual([wine.webhook.id]);
      await enqueueWebhookDeliveries(store.db, await appendEvent(store.db, event('alias.set', 'wine')));
      expect(await deliveryRows(store)).toHaveLength(2);
      await deleteWebhook(deps(store), { id: wine.webhook.id });
      expect((await deliveryRows(store)).map((row) => row.subscription_id)).toEqual([global.webhook.id]);
      const error = await failure(getWebhook(deps(store), { id: wine.webhook.id }));
      expect(error.code).toBe('RESOURCE_DOES_NOT_EXIST');
      expect((await failure(deleteWebhook(deps(store), { id: wine.webhook.id }))).code).toBe('RESOURCE_DOES_NOT_EXIST');
      expect((await failure(getWebhook(deps(store), { id: -1 }))).code).toBe('RESOURCE_DOES_NOT_EXIST');
    });
  });

  describe('enqueueWebhookDeliveries', () => {
    it('queues one pending delivery per matching active subscription: its model or global, by kind', async () => {
      const store = await open();
      const d = deps(store);
      const all = await createWebhook(d, { url: 'https://hooks.example/1', events: ['*'] });
      const aliases = await createWebhook(d, { url: 'https://hooks.example/2', events: ['alias.set'] });
      const wine = await createWebhook(d, { url: 'https://hooks.example/3', events: ['alias.set'], model: 'wine' });
      await createWebhook(d, { url: 'https://hooks.example/4', events: ['alias.set'], model: 'beer' });
      await createWebhook(d, { url: 'https://hooks.example/5', events: ['alias.deleted'], model: 'wine' });
      const stored = await appendEvent(store.db, event('alias.set', 'wine'));
      await enqueueWebhookDeliveries(store.db, stored);
      const rows = await deliveryRows(store);
      expect(rows).toEqual(
        [all, aliases, wine].map((w) => ({ event_id: stored.id, subscription_id: w.webhook.id, status: 'pending' })),
      );
    });

    it('queues nothing when nothing matches, and skips inactive subscriptions', async () => {
      const store = await open();
      const created = await createWebhook(deps(store), { url: 'https://hooks.example/', events: ['*'], model: 'wine' });
      await enqueueWebhookDeliveries(store.db, await appendEvent(store.db, event('alias.set', 'beer')));
      await store.db
        .updateTable('webhook_subscriptions')
        .set({ active: 0 })
        .where('id', '=', created.webhook.id)
        .execute();
      await enqueueWebhookDeliveries(store.db, await appendEvent(store.db, event('alias.set', 'wine')));
      expect(await deliveryRows(store)).toEqual([]);
    });

    it('writes deliveries in the caller transaction: a rolled-back change leaves none', async () => {
      const store = await open();
      await createWebhook(deps(store), { url: 'https://hooks.example/', events: ['*'] });
      const rolledBack = store.db.transaction().execute(async (trx) => {
        await enqueueWebhookDeliveries(trx, await appendEvent(trx, event('model_version.created', 'wine')));
        throw new Error('the registry change failed');
      });
      await expect(rolledBack).rejects.toThrow('the registry change failed');
      expect(await deliveryRows(store)).toEqual([]);
      await store.db.transaction().execute(async (trx) => {
        await enqueueWebhookDeliveries(trx, await appendEvent(trx, event('model_version.created', 'wine')));
      });
      expect(await deliveryRows(store)).toHaveLength(1);
    });
  });

  describe('listWebhookDeliveries', () => {
    it('pages newest first, filters by status, and names the event', async () => {
      const store = await open();
      const { webhook } = await createWebhook(deps(store), { url: 'https://hooks.example/', events: ['*'] });
      for (const kind of ['alias.set', 'alias.deleted', 'model_version.created']) {
        await enqueueWebhookDeliveries(store.db, await appendEvent(store.db, event(kind, 'wine')));
      }
      const first = await listWebhookDeliveries(deps(store), { id: webhook.id, limit: 2 });
      expect(first.deliveries.map((d) => d.eventKind)).toEqual(['model_version.created', 'alias.deleted']);
      expect(first.deliveries[0]).toMatchObject({
        webhookId: webhook.id,
        subject: 'models/wine',
        status: 'pending',
        attempts: 0,
        lastStatusCode: null,
        lastError: null,
      });
      const second = await listWebhookDeliveries(deps(store), {
        id: webhook.id,
        limit: 2,
        beforeId: first.nextBeforeId,
      });
      expect(second.deliveries.map((d) => d.eventKind)).toEqual(['alias.set']);
      expect(second.nextBeforeId).toBeUndefined();
      expect((await listWebhookDeliveries(deps(store), { id: webhook.id, status: 'failed' })).deliveries).toEqual([]);
      const error = await failure(listWebhookDeliveries(deps(store), { id: webhook.id, limit: 1001 }));
      expect(error.message).toMatch(/'limit'/);
    });
  });
});
