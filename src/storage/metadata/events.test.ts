import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../../domain/errors.js';
import { type AuditEvent, appendEvent, EVENT_LIMITS, listEvents, type NewAuditEvent } from './events.js';
import { MAX_PAYLOAD_BYTES } from './json-payload.js';
import type { MetadataStore } from './open-metadata.js';
import { forEachDialect } from './testing/for-each-dialect.js';

const base = { actor: 'ann', kind: 'model_version.created', subject: 'models/wine', payload: {} } as const;

async function failure(promise: Promise<unknown>): Promise<SlipwayError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SlipwayError);
  return error as SlipwayError;
}

const count = async ({ db }: MetadataStore): Promise<number> =>
  (
    await db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
  ).n;

/** Appends events with the given (time, subject, kind) in this order; returns them as stored. */
async function seed(store: MetadataStore, specs: ReadonlyArray<[number, string, string]>): Promise<AuditEvent[]> {
  const stored: AuditEvent[] = [];
  for (const [time, subject, kind] of specs) stored.push(await appendEvent(store.db, { ...base, time, subject, kind }));
  return stored;
}

forEachDialect('events', ({ open }) => {
  describe('appendEvent', () => {
    it('stores the event and returns it with its id and a default time of now', async () => {
      const store = await open();
      const before = Date.now();
      const event = await appendEvent(store.db, { ...base, payload: { version: 3 } });
      const after = Date.now();
      expect(event).toEqual({ ...base, id: expect.any(Number), time: expect.any(Number), payload: { version: 3 } });
      expect(event.time).toBeGreaterThanOrEqual(before);
      expect(event.time).toBeLessThanOrEqual(after);
      const rows = await store.db.selectFrom('events').selectAll().execute();
      expect(rows).toEqual([{ ...base, id: event.id, time: event.time, payload: '{"version":3}' }]);
    });

    it('gives later events larger ids', async () => {
      const store = await open();
      const [a, b, c] = await seed(store, [
        [5, 's', 'k'],
        [1, 's', 'k'],
        [3, 's', 'k'],
      ]);
      expect(a && b && c && a.id < b.id && b.id < c.id).toBe(true);
    });

    it('round-trips nested objects, arrays, unicode and escapes exactly', async () => {
      const store = await open();
      const payload = {
        name: 'vin rouge 🍷 — 葡萄酒 — نبيذ — e\u0301',
        quotes: 'a "b" \\ c\nd\te\u0000f',
        lone: 'x\ud800y',
        numbers: [0, -1, 1.5, 1e-7, Number.MAX_SAFE_INTEGER, -0.25],
        nested: { deep: { deeper: [{ ok: true, none: null }, [], {}] } },
        '': 'empty key',
        'ключ.with.dots': false,
      };
      const event = await appendEvent(store.db, { ...base, payload });
      expect(event.payload).toEqual(payload);
      expect(await listEvents(store.db, { limit: 1 })).toEqual([{ ...event, payload }]);
    });

    it.each<[string, Partial<NewAuditEvent>, string]>([
      ['an upper-case kind', { kind: 'Model.Created' }, 'kind: must be dot-separated lower-case words'],
      ['an empty subject', { subject: '' }, 'subject: must not be empty'],
      ['a too long subject', { subject: 's'.repeat(EVENT_LIMITS.subject + 1) }, 'subject: must be at most 512'],
      ['a too long kind', { kind: 'k'.repeat(EVENT_LIMITS.kind + 1) }, 'kind: must be at most 128'],
      ['a control character in the actor', { actor: 'ann\u0000' }, 'actor: must not contain control characters'],
      ['a fractional time', { time: 1.5 }, 'time: must be an integer'],
      ['a negative time', { time: -1 }, 'time:'],
      ['an array payload', { payload: [] as never }, 'payload must be a JSON object'],
      ['a Date in the payload', { payload: { at: new Date(0) } }, 'payload.at is a Date, which is not JSON'],
      ['NaN in the payload', { payload: { m: [1, Number.NaN] } }, 'payload.m[1] must be a finite number'],
      ['a bigint in the payload', { payload: { n: 1n } }, 'payload.n is a bigint, which is not JSON'],
      ['a function in the payload', { payload: { f: () => 1 } }, 'payload.f is a function, which is not JSON'],
    ])('rejects %s, naming the field, and stores nothing', async (_what, change, message) => {
      const store = await open();
      const error = await failure(appendEvent(store.db, { ...base, ...change }));
      expect(error.code).toBe('INVALID_PARAMETER_VALUE');
      expect(error.message).toContain(message);
      expect(await count(store)).toBe(0);
    });

    it('rejects a payload over 1 MiB and accepts one just under', async () => {
      const store = await open();
      const overhead = JSON.stringify({ blob: '' }).length;
      const fits = { blob: 'x'.repeat(MAX_PAYLOAD_BYTES - overhead) };
      const error = await failure(appendEvent(store.db, { ...base, payload: { blob: `${fits.blob}é` } }));
      expect(error.message).toBe(`payload is ${MAX_PAYLOAD_BYTES + 2} bytes as JSON; the limit is 1048576 (1 MiB).`);
      expect((await appendEvent(store.db, { ...base, payload: fits })).payload).toEqual(fits);
      expect(await count(store)).toBe(1);
    });

    it('rejects a cyclic payload', async () => {
      const store = await open();
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const error = await failure(appendEvent(store.db, { ...base, payload: cyclic }));
      expect(error.message).toMatch(/^payload(\.self)+ is nested deeper than 64 levels \(or is cyclic\)\.$/);
    });

    it('rejects __proto__ keys on write and drops them on read, so nothing is polluted', async () => {
      const store = await open();
      const hostile = JSON.parse('{"a": {"__proto__": {"polluted": true}}}') as Record<string, unknown>;
      const error = await failure(appendEvent(store.db, { ...base, payload: hostile }));
      expect(error.message).toBe('payload.a.__proto__: the key __proto__ is not allowed.');
      const payload = '{"a":{"__proto__":{"polluted":true},"b":1},"__proto__":{"polluted":true}}';
      await store.db
        .insertInto('events')
        .values({ ...base, time: 1, payload })
        .execute();
      const [event] = await listEvents(store.db, { limit: 1 });
      expect(event?.payload).toEqual({ a: { b: 1 } });
      const merged = Object.assign({}, event?.payload.a);
      expect([Reflect.get(merged, 'polluted'), Reflect.get({}, 'polluted')]).toEqual([undefined, undefined]);
    });
  });

  describe('listEvents', () => {
    it('lists oldest first by time, then id; newest first with order desc', async () => {
      const store = await open();
      const [e1, e2, e3, e4] = await seed(store, [
        [20, 's', 'k'],
        [10, 's', 'k'],
        [20, 's', 'k'],
        [10, 's', 'k'],
      ]);
      expect(await listEvents(store.db, { limit: 10 })).toEqual([e2, e4, e1, e3]);
      expect(await listEvents(store.db, { limit: 10, order: 'desc' })).toEqual([e3, e1, e4, e2]);
    });

    it('filters by subject, kind and a [since, until) time window, all combined', async () => {
      const store = await open();
      const [a, b, c, d] = await seed(store, [
        [100, 'models/wine', 'model_version.created'],
        [200, 'models/wine', 'alias.moved'],
        [300, 'models/beer', 'alias.moved'],
        [400, 'models/wine', 'alias.moved'],
      ]);
      const list = (query: object) => listEvents(store.db, { limit: 10, ...query });
      expect(await list({ subject: 'models/wine' })).toEqual([a, b, d]);
      expect(await list({ kind: 'alias.moved' })).toEqual([b, c, d]);
      expect(await list({ since: 200, until: 400 })).toEqual([b, c]);
      expect(await list({ subject: 'models/wine', kind: 'alias.moved', since: 200 })).toEqual([b, d]);
      expect(await list({ subject: 'models/none' })).toEqual([]);
    });

    it('returns at most limit events', async () => {
      const store = await open();
      const stored = await seed(store, [
        [1, 's', 'k'],
        [2, 's', 'k'],
        [3, 's', 'k'],
      ]);
      expect(await listEvents(store.db, { limit: 2 })).toEqual(stored.slice(0, 2));
      expect(await listEvents(store.db, { limit: 2, order: 'desc' })).toEqual(stored.slice(1).reverse());
    });

    it.each(['asc', 'desc'] as const)('pages through ties with afterId, %s, seeing each event once', async (order) => {
      const store = await open();
      await seed(store, [
        [5, 's', 'k'],
        [3, 's', 'k'],
        [5, 's', 'k'],
        [3, 's', 'k'],
        [9, 's', 'k'],
        [5, 's', 'k'],
      ]);
      const all = await listEvents(store.db, { limit: 100, order });
      const paged: AuditEvent[] = [];
      for (let page = await listEvents(store.db, { limit: 2, order }); page.length > 0; ) {
        paged.push(...page);
        page = await listEvents(store.db, { limit: 2, order, afterId: page.at(-1)?.id as number });
      }
      expect(paged).toEqual(all);
      expect(all).toHaveLength(6);
    });

    it('combines afterId with filters and yields nothing after an unknown id', async () => {
      const store = await open();
      const [a, , c] = await seed(store, [
        [1, 'x', 'k'],
        [2, 'y', 'k'],
        [3, 'x', 'k'],
      ]);
      expect(await listEvents(store.db, { limit: 10, subject: 'x', afterId: a?.id as number })).toEqual([c]);
      expect(await listEvents(store.db, { limit: 10, afterId: 999_999 })).toEqual([]);
    });

    it.each([
      [{ limit: 0 }, 'limit:'],
      [{ limit: EVENT_LIMITS.page + 1 }, 'limit:'],
      [{ limit: 1.5 }, 'limit: must be an integer'],
      [{ limit: 1, afterId: 0 }, 'afterId:'],
      [{ limit: 1, kind: 'NOT A KIND' }, 'kind: must be dot-separated'],
      [{ limit: 1, order: 'sideways' }, 'order:'],
    ])('rejects %o', async (query, message) => {
      const store = await open();
      const error = await failure(listEvents(store.db, query as never));
      expect(error.code).toBe('INVALID_PARAMETER_VALUE');
      expect(error.message).toMatch(/^Invalid event query: /);
      expect(error.message).toContain(message);
    });

    it('reports a damaged stored payload as DATA_LOSS naming the event', async () => {
      const store = await open();
      const { id } = await store.db
        .insertInto('events')
        .values({ ...base, time: 1, payload: '{not json' })
        .returning('id')
        .executeTakeFirstOrThrow();
      const error = await failure(listEvents(store.db, { limit: 1 }));
      expect([error.code, error.message]).toEqual([
        'DATA_LOSS',
        `The stored payload of event ${id} is not valid JSON.`,
      ]);
    });
  });

  describe('in transactions', () => {
    it('leaves no event behind when the transaction throws', async () => {
      const store = await open();
      const boom = new Error('boom');
      const run = store.db.transaction().execute(async (trx) => {
        await appendEvent(trx, { ...base, subject: 'a' });
        await appendEvent(trx, { ...base, subject: 'b' });
        throw boom;
      });
      await expect(run).rejects.toBe(boom);
      expect(await count(store)).toBe(0);
    });

    it('keeps every event of a committed transaction', async () => {
      const store = await open();
      await store.db.transaction().execute(async (trx) => {
        await appendEvent(trx, { ...base, subject: 'a' });
        await appendEvent(trx, { ...base, subject: 'b' });
      });
      expect((await listEvents(store.db, { limit: 10 })).map((e) => e.subject)).toEqual(['a', 'b']);
    });

    it('rolls back earlier writes when a later one violates a constraint', async () => {
      const store = await open();
      const first = await appendEvent(store.db, base);
      const run = store.db.transaction().execute(async (trx) => {
        await appendEvent(trx, { ...base, subject: 'doomed' });
        await trx
          .insertInto('events')
          .values({ ...base, id: first.id, time: 1, payload: '{}' })
          .execute();
      });
      expect((await failure(run)).code).toBe('RESOURCE_ALREADY_EXISTS');
      expect(await listEvents(store.db, { limit: 10 })).toEqual([first]);
      expect(await sql<{ n: number }>`select count(*) as n from events`.execute(store.db)).toMatchObject({
        rows: [{ n: 1 }],
      });
    });
  });
});
